namespace FastMail.Core.IO;

/// <summary>The three system calls <see cref="DirectorySync"/> makes; a seam so a test can see that they are made, in order.</summary>
internal interface IDirectoryCalls
{
    /// <summary>open(path, O_RDONLY): a descriptor, or a negative value on failure.</summary>
    int OpenReadOnly(string path);

    int Fsync(int descriptor);

    int Close(int descriptor);

    /// <summary>errno of the last failed call.</summary>
    int LastError { get; }
}

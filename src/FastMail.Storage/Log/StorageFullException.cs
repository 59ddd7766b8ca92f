namespace FastMail.Storage.Log;

/// <summary>
/// The store refused or failed a write for lack of disk space. An <see cref="IOException"/> whose HResult carries errno
/// ENOSPC (28) in its low word, the way .NET reports the syscall failure on Unix, so callers that know nothing of the
/// store (SMTP: 452 4.3.1) recognise it the same way as a raw ENOSPC.
/// </summary>
internal sealed class StorageFullException : IOException
{
    private const int Enospc = 28;

    public StorageFullException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
        HResult = unchecked((int)0x80070000) | Enospc;
    }

    public StorageFullException()
        : this("No space left on device.")
    {
    }

    public StorageFullException(string message)
        : this(message, null)
    {
    }
}

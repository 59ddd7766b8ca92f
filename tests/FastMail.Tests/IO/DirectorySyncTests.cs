using FastMail.Core.IO;

namespace FastMail.Tests.IO;

public sealed class DirectorySyncTests
{
    [Fact]
    public void SyncOpensTheDirectoryReadOnlyFsyncsThatDescriptorAndClosesIt()
    {
        var calls = new RecordingDirectoryCalls();

        DirectorySync.Sync("/data/mail", calls);

        Assert.Equal(["open /data/mail", "fsync 42", "close 42"], calls.Log);
    }

    [Fact]
    public void AFailedFsyncThrowsIOExceptionNamingTheDirectoryAndStillClosesTheDescriptor()
    {
        var calls = new RecordingDirectoryCalls { FsyncResult = -1, Errno = 5 };

        var error = Assert.Throws<IOException>(() => DirectorySync.Sync("/data/mail", calls));

        Assert.Contains("'/data/mail'", error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(["open /data/mail", "fsync 42", "close 42"], calls.Log);
    }

    [Fact]
    public void ADirectoryThatCannotBeOpenedIsNeitherFsyncedNorClosed()
    {
        var calls = new RecordingDirectoryCalls { Descriptor = -1, Errno = 2 };

        var error = Assert.Throws<IOException>(() => DirectorySync.Sync("/gone", calls));

        Assert.Contains("errno 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(["open /gone"], calls.Log);
    }

    [Fact]
    public void TheRealCallsSyncAnExistingDirectoryAndReportAMissingOneWithItsErrno()
    {
        using var directory = new TempDirectory("sync");
        var missing = directory.File("missing");

        DirectorySync.Sync(directory.Path);
        var error = Assert.Throws<IOException>(() => DirectorySync.Sync(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", error.Message, StringComparison.Ordinal); // ENOENT: the path really went to open(2)
    }

    private sealed class RecordingDirectoryCalls : IDirectoryCalls
    {
        public List<string> Log { get; } = [];

        public int Descriptor { get; init; } = 42;

        public int FsyncResult { get; init; }

        public int Errno { get; init; }

        public int LastError => Errno;

        public int OpenReadOnly(string path)
        {
            Log.Add("open " + path);
            return Descriptor;
        }

        public int Fsync(int descriptor)
        {
            Log.Add("fsync " + descriptor);
            return FsyncResult;
        }

        public int Close(int descriptor)
        {
            Log.Add("close " + descriptor);
            return 0;
        }
    }
}

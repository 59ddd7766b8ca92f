using FastMail.Core.IO;

namespace FastMail.Accounts.Storage;

/// <summary>
/// The cross-process writer lock: <c>accounts.lock</c> opened with <see cref="FileShare.None"/> (an exclusive flock on
/// Unix), held while a writer reads, changes and replaces accounts.json. The file itself is left in place: deleting a
/// lock file lets a third writer lock a new inode while the second still waits on the old one.
/// </summary>
internal sealed class WriteLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);
    private readonly FileStream _stream;

    private WriteLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, retrying for up to <paramref name="timeout"/> while another writer holds it.</summary>
    public static WriteLock Acquire(string lockPath, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new WriteLock(new FileStream(lockPath, OwnerOnly.NewFileOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new AccountsFileException(
                        $"{lockPath}: another fastmail process has held the accounts lock for over {timeout.TotalSeconds:0.#} s; try again.", ex);
                }

                Thread.Sleep(RetryDelay);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}

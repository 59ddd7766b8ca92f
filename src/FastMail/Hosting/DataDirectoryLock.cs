using FastMail.Configuration;
using FastMail.Core.IO;

namespace FastMail.Hosting;

/// <summary>
/// Keeps a second server from opening the same data directory: the mail log has a single writer.
/// An exclusive flock on `fastmail.pid` (FileShare.None); the OS releases it when the process dies, even by kill -9.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "fastmail.pid");
        try
        {
            var file = new FileStream(path, OwnerOnly.NewFileOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
            file.Write(pid);
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (IOException e)
        {
            throw new ConfigException($"data directory '{dataDirectory}' is in use by another fastmail server ({path}: {e.Message})");
        }
    }

    public void Dispose() => _file.Dispose();
}

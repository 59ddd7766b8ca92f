namespace FastMail.Core.Storage;

/// <summary>
/// The store refused or failed a write for lack of space (a full disk, or its free-space reserve reached). Nothing
/// already stored is damaged, and writes succeed again once space returns. Sessions answer it as a temporary
/// condition that names the cause (SMTP: 452 4.3.1, RFC 3463 "mail system full").
/// </summary>
public sealed class StorageFullException : IOException
{
    // errno ENOSPC, kept in the low word of HResult as .NET reports a failed syscall on Unix, for logs and tools that read it.
    private const int Enospc = 28;

    public StorageFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
        HResult = unchecked((int)0x80070000) | Enospc;
    }

    public StorageFullException(string message)
        : this(message, null)
    {
    }

    public StorageFullException()
        : this("No space left on device.")
    {
    }
}

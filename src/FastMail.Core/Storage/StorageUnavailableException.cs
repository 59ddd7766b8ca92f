namespace FastMail.Core.Storage;

/// <summary>
/// The store could not read or write for a reason other than space (an I/O error, a log that failed and refuses
/// writes until restarted). Whether the operation took effect is as the store's contract says (a failed commit leaves
/// the message invisible in this process). Sessions answer it as a temporary local error (SMTP: 451 4.3.0).
/// </summary>
public sealed class StorageUnavailableException : IOException
{
    public StorageUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public StorageUnavailableException(string message)
        : this(message, null)
    {
    }

    public StorageUnavailableException()
        : this("The mail store is unavailable.")
    {
    }
}

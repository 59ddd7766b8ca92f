namespace FastMail.Accounts;

/// <summary>
/// accounts.json (or its lock) cannot be used: unreadable, corrupt, of an unknown version, or locked too long.
/// The message names the file and is fit to print; the file is never silently replaced.
/// </summary>
public sealed class AccountsFileException : Exception
{
    public AccountsFileException()
    {
    }

    public AccountsFileException(string message)
        : base(message)
    {
    }

    public AccountsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

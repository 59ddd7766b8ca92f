using FastMail.Accounts;

namespace FastMail.Web;

/// <summary>The account operations the web interface needs; the host implements them over AccountDirectory and AccountAdmin.</summary>
public interface IWebAccounts
{
    /// <summary>The same password check as SMTP and POP3: the mailbox on success, null otherwise (never says whether the user exists).</summary>
    ValueTask<string?> AuthenticateAsync(string user, string password, CancellationToken ct);

    /// <summary>True when <paramref name="user"/> may use the admin pages.</summary>
    bool IsAdmin(string user);

    /// <summary>Replaces the user's password (hashed as `fastmail user password` does).</summary>
    AdminResult ChangePassword(string user, string newPassword);
}

using System.Text;
using FastMail.Accounts;
using FastMail.Web;

namespace FastMail.Hosting;

/// <summary>The web interface's account operations over the server's <see cref="AccountDirectory"/> (the SMTP/POP3 password check) and <see cref="AccountAdmin"/> (accounts.json).</summary>
internal sealed class WebAccounts(AccountDirectory directory, AccountAdmin admin) : IWebAccounts
{
    public ValueTask<string?> AuthenticateAsync(string user, string password, CancellationToken ct) =>
        directory.AuthenticateAsync(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password), ct);

    /// <summary>
    /// The admin flag is a per-account field of accounts.json that the admin pages' change adds to AccountDirectory;
    /// until an account can carry it, nobody is an admin here.
    /// </summary>
    public bool IsAdmin(string user) => false;

    public AdminResult ChangePassword(string user, string newPassword) => admin.SetPassword(user, newPassword);
}

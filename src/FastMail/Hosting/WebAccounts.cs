using System.Text;
using FastMail.Accounts;
using FastMail.Web;

namespace FastMail.Hosting;

/// <summary>The web interface's account operations over the server's <see cref="AccountDirectory"/> (the SMTP/POP3 password check) and <see cref="AccountAdmin"/> (accounts.json).</summary>
internal sealed class WebAccounts(AccountDirectory directory, AccountAdmin admin) : IWebAccounts
{
    public ValueTask<string?> AuthenticateAsync(string user, string password, CancellationToken ct) =>
        directory.AuthenticateAsync(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password), ct);

    /// <summary>The account's admin flag in accounts.json (`fastmail user add NAME --admin`, `fastmail user admin NAME on`).</summary>
    public bool IsAdmin(string user) => directory.IsAdmin(user);

    public AdminResult ChangePassword(string user, string newPassword) => admin.SetPassword(user, newPassword);
}

using System.Text.Json.Serialization;

namespace FastMail.Accounts;

/// <summary>
/// The content of <c>accounts.json</c>: <c>{ "version": 1, "users": [ { "name", "passwordHash", "apopSecret"?, "quotaBytes"? } ], "domains": [ ... ] }</c>.
/// </summary>
public sealed class AccountsDocument
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version; a file with another version is refused rather than misread.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>The accounts. Users are shared by all local domains.</summary>
#pragma warning disable CA2227 // a settable list is what System.Text.Json source generation fills
    public List<AccountRecord> Users { get; set; } = [];

    /// <summary>Local domains besides the primary domain (which is always local).</summary>
    public List<string> Domains { get; set; } = [];
#pragma warning restore CA2227
}

/// <summary>One account in <c>accounts.json</c>.</summary>
public sealed class AccountRecord
{
    /// <summary>Canonical user name: lower-case local part, see <see cref="AccountNames.UserRule"/>.</summary>
    public string Name { get; set; } = "";

    /// <summary>A <see cref="PasswordHasher"/> hash; the password itself is never stored.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>
    /// RFC 1939 APOP shared secret, or null (the default: APOP off for this user). APOP needs the server to know a
    /// PLAINTEXT-EQUIVALENT secret (it computes MD5(timestamp + secret)), so anyone who reads this file can log in as
    /// this user by APOP. It is stored only when the admin sets one, and should differ from the password.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApopSecret { get; set; }

    /// <summary>
    /// This user's mailbox quota in bytes, or null (the default: <see cref="AccountsOptions.DefaultQuotaBytes"/> applies).
    /// 0 means unlimited for this user whatever the default. Over quota, SMTP answers 452 4.2.2 at RCPT and 552 5.2.2
    /// after DATA; POP3 still works, so the user can make room.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? QuotaBytes { get; set; }
}

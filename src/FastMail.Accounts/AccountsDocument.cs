using System.Text.Json.Serialization;

namespace FastMail.Accounts;

/// <summary>
/// The content of <c>accounts.json</c>: <c>{ "version": 1, "users": [ { "name", "passwordHash", "apopSecret"?, "quotaBytes"?, "admin"? } ],
/// "domains": [ ... ], "aliases": [ { "address", "targets": [ ... ] } ] }</c>. A file written before aliases existed has no
/// "aliases" and reads as none.
/// </summary>
public sealed class AccountsDocument
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version; a file with another version is refused rather than misread.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>
    /// The accounts. A plain name ("alice") is shared by all local domains; a qualified name ("alice@example.org") is a
    /// user of that local domain only, preferred over the shared user of the same local part at that domain.
    /// </summary>
#pragma warning disable CA2227 // a settable list is what System.Text.Json source generation fills
    public List<AccountRecord> Users { get; set; } = [];

    /// <summary>Local domains besides the primary domain (which is always local).</summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>Aliases and catch-alls of local domains (see <see cref="AliasRecord"/>).</summary>
    public List<AliasRecord> Aliases { get; set; } = [];
#pragma warning restore CA2227
}

/// <summary>
/// One alias in <c>accounts.json</c>: mail for <see cref="Address"/> goes to every target instead. Precedence at a local
/// domain: an alias of the exact address, then a user of that name (per-domain first, then shared), then the domain's
/// catch-all.
/// </summary>
public sealed class AliasRecord
{
    /// <summary>The most targets one alias may have.</summary>
    public const int MaxTargets = 100;

    /// <summary>"local@domain" (lower case, the domain local), or "@domain" for the catch-all of a local domain.</summary>
    public string Address { get; set; } = "";

    /// <summary>
    /// 1 to <see cref="MaxTargets"/> targets: a user name ("alice": that user's mailbox), a local address
    /// ("bob@example.org": delivered as mail to that address would be, through its alias, user or catch-all), or a remote
    /// address ("carol@remote.test": relayed).
    /// </summary>
#pragma warning disable CA2227 // a settable list is what System.Text.Json source generation fills
    public List<string> Targets { get; set; } = [];
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

    /// <summary>
    /// True when this user may use the web administration (users, domains, relay, queue, transcripts). Default false;
    /// written only when true, so files written before the admin role existed read unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Admin { get; set; }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;
using FastMail.Core.Services;

namespace FastMail.Accounts.Lookup;

/// <summary>
/// An immutable view of accounts.json. The directory swaps the whole snapshot on reload, so a lookup never sees half a
/// change. Lookups go through span alternate lookups: no string is built to ask a question.
/// </summary>
internal sealed class DirectorySnapshot
{
    private readonly Dictionary<string, UserEntry> _users;
    private readonly Dictionary<string, UserEntry>.AlternateLookup<ReadOnlySpan<char>> _usersBySpan;
    private readonly HashSet<string> _domains;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _domainsBySpan;
    private readonly Dictionary<string, AliasExpansion> _aliases;
    private readonly Dictionary<string, AliasExpansion>.AlternateLookup<ReadOnlySpan<char>> _aliasesBySpan;

    private DirectorySnapshot(Dictionary<string, UserEntry> users, HashSet<string> domains, UserEntry? postmaster, Dictionary<string, AliasExpansion> aliases, string primaryDomain)
    {
        Postmaster = postmaster;
        PrimaryDomain = primaryDomain;
        _aliases = aliases;
        _aliasesBySpan = aliases.GetAlternateLookup<ReadOnlySpan<char>>();
        _users = users;
        _usersBySpan = users.GetAlternateLookup<ReadOnlySpan<char>>();
        _domains = domains;
        _domainsBySpan = domains.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int UserCount => _users.Count;

    /// <summary>Who receives postmaster's mail when no account is named postmaster (see <see cref="AccountsOptions.Postmaster"/>); null without accounts.</summary>
    public UserEntry? Postmaster { get; }

    public int DomainCount => _domains.Count;

    public int AliasCount => _aliases.Count;

    /// <summary>The configured primary domain: where an unqualified address belongs.</summary>
    public string PrimaryDomain { get; }

    /// <summary>
    /// Builds a snapshot from a validated document. Names already known to <paramref name="previous"/> keep their string
    /// instance, so the canonical mailbox name a session holds stays the same object across reloads.
    /// </summary>
    public static DirectorySnapshot Build(AccountsDocument document, string primaryDomain, DirectorySnapshot? previous, long defaultQuotaBytes = 0, string postmaster = "")
    {
        var users = new Dictionary<string, UserEntry>(document.Users.Count, StringComparer.Ordinal);
        foreach (var record in document.Users)
        {
            var name = previous is not null && previous._users.TryGetValue(record.Name, out var old) ? old.Name : record.Name;
            var apop = record.ApopSecret is null ? null : Encoding.ASCII.GetBytes(record.ApopSecret);
            users[name] = new UserEntry(name, record.PasswordHash, apop, record.QuotaBytes ?? defaultQuotaBytes, record.Admin);
        }

        var domains = new HashSet<string>(document.Domains, StringComparer.Ordinal) { primaryDomain };

        // The document was validated against the same primary domain, so every alias resolves; expanding here once is
        // what makes TryExpandAlias a dictionary lookup.
        _ = AliasResolver.Resolve(document.Aliases, domains.Contains, name => users.TryGetValue(name, out var user) ? user.Name : null, out var aliases);
        return new DirectorySnapshot(users, domains, PostmasterOf(users, document, postmaster), aliases, primaryDomain);
    }

    private static UserEntry? PostmasterOf(Dictionary<string, UserEntry> users, AccountsDocument document, string configured)
    {
        if (users.TryGetValue(configured.ToLowerInvariant(), out var chosen) || users.TryGetValue("postmaster", out chosen))
        {
            return chosen;
        }

        return document.Users.Count > 0 ? users[document.Users[0].Name] : null;
    }

    /// <summary>Looks up a lower-case alias address ("local@domain", or "@domain" for a catch-all).</summary>
    public bool TryGetAlias(ReadOnlySpan<char> lowerAddress, [NotNullWhen(true)] out AliasExpansion? expansion) =>
        _aliasesBySpan.TryGetValue(lowerAddress, out expansion);

    /// <summary>Looks up a lower-case user name (shared "alice" or per-domain "alice@example.org").</summary>
    public bool TryGetUser(ReadOnlySpan<char> lowerName, [NotNullWhen(true)] out UserEntry? user) => _usersBySpan.TryGetValue(lowerName, out user);

    /// <summary>The effective quota of a canonical mailbox name (0, unlimited, for an unknown one).</summary>
    public long QuotaOf(string mailbox) => _users.TryGetValue(mailbox, out var user) ? user.QuotaBytes : 0;

    /// <summary>True when the lower-case domain is local.</summary>
    public bool IsLocalDomain(ReadOnlySpan<char> lowerDomain) => _domainsBySpan.Contains(lowerDomain);
}

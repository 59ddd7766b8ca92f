using FastMail.Core.Services;

namespace FastMail.Accounts.Lookup;

/// <summary>
/// Expands every alias of a document into local mailboxes and remote addresses, once, when the accounts are loaded (and
/// when an admin change is validated): the same code decides what the file may hold and what the server delivers to.
/// A target address at a local domain resolves as mail to it would: its exact alias, else its per-domain user, else
/// the shared user of its local part, else its domain's catch-all. A bare user name is that shared user only, never an
/// alias, so an alias may shadow a user and still deliver to it ("alice@example.org" → alice, bob).
/// </summary>
internal sealed class AliasResolver
{
    /// <summary>The longest chain of aliases through aliases; deeper nesting is refused as a likely mistake.</summary>
    public const int MaxDepth = 8;

    private readonly Dictionary<string, AliasRecord> _aliases;
    private readonly Func<string, bool> _isLocalDomain;
    private readonly Func<string, string?> _canonicalUser;
    private readonly Dictionary<string, AliasExpansion> _expansions = new(StringComparer.Ordinal);
    private readonly List<string> _path = [];

    private AliasResolver(Dictionary<string, AliasRecord> aliases, Func<string, bool> isLocalDomain, Func<string, string?> canonicalUser)
    {
        _aliases = aliases;
        _isLocalDomain = isLocalDomain;
        _canonicalUser = canonicalUser;
    }

    /// <summary>
    /// Expands <paramref name="aliases"/> (syntactically valid, distinct addresses). <paramref name="canonicalUser"/> gives
    /// the canonical instance of an account name, or null when there is no such account. Returns a message fit to print
    /// when a target resolves to nothing, aliases form a cycle or nest too deep; otherwise null and every expansion.
    /// </summary>
    public static string? Resolve(
        IReadOnlyList<AliasRecord> aliases,
        Func<string, bool> isLocalDomain,
        Func<string, string?> canonicalUser,
        out Dictionary<string, AliasExpansion> expansions)
    {
        var byAddress = new Dictionary<string, AliasRecord>(aliases.Count, StringComparer.Ordinal);
        foreach (var alias in aliases)
        {
            byAddress[alias.Address] = alias;
        }

        var resolver = new AliasResolver(byAddress, isLocalDomain, canonicalUser);
        foreach (var alias in aliases)
        {
            if (resolver.Expand(alias.Address) is { } problem)
            {
                expansions = new Dictionary<string, AliasExpansion>(StringComparer.Ordinal);
                return problem;
            }
        }

        expansions = resolver._expansions;
        return null;
    }

    private string? Expand(string address)
    {
        if (_expansions.ContainsKey(address))
        {
            return null;
        }

        if (_path.Contains(address))
        {
            return $"aliases form a cycle: {string.Join(" -> ", _path.SkipWhile(a => a != address))} -> {address}.";
        }

        if (_path.Count >= MaxDepth)
        {
            return $"alias '{_path[0]}' nests aliases more than {MaxDepth} deep ({string.Join(" -> ", _path)} -> {address}).";
        }

        _path.Add(address);
        var mailboxes = new List<string>();
        var remote = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in _aliases[address].Targets)
        {
            if (Add(address, target, mailboxes, remote, seen) is { } problem)
            {
                return problem;
            }
        }

        _path.RemoveAt(_path.Count - 1);
        _expansions[address] = new AliasExpansion(mailboxes.ToArray(), remote.ToArray());
        return null;
    }

    private string? Add(string address, string target, List<string> mailboxes, List<string> remote, HashSet<string> seen)
    {
        var at = target.LastIndexOf('@');
        if (at < 0)
        {
            return _canonicalUser(target) is { } user
                ? AddOne(user, mailboxes, seen)
                : $"alias '{address}': target '{target}' is not a user.";
        }

        var domain = target[(at + 1)..];
        if (!_isLocalDomain(domain))
        {
            return AddOne(target, remote, seen);
        }

        if (_aliases.ContainsKey(target))
        {
            return Merge(target, mailboxes, remote, seen);
        }

        if ((_canonicalUser(target) ?? _canonicalUser(target[..at])) is { } mailbox)
        {
            return AddOne(mailbox, mailboxes, seen);
        }

        var catchAll = target[at..];
        if (_aliases.ContainsKey(catchAll))
        {
            return Merge(catchAll, mailboxes, remote, seen);
        }

        return $"alias '{address}': target '{target}' is at a local domain, but no alias, user or catch-all receives its mail.";
    }

    private string? Merge(string alias, List<string> mailboxes, List<string> remote, HashSet<string> seen)
    {
        if (Expand(alias) is { } problem)
        {
            return problem;
        }

        var expansion = _expansions[alias];
        foreach (var mailbox in expansion.Mailboxes)
        {
            AddOne(mailbox, mailboxes, seen);
        }

        foreach (var address in expansion.RemoteAddresses)
        {
            AddOne(address, remote, seen);
        }

        return null;
    }

    private static string? AddOne(string value, List<string> list, HashSet<string> seen)
    {
        // Mailbox names never hold an '@' the way remote addresses do, except per-domain users, which are local
        // addresses and never remote: one set keeps both lists distinct.
        if (seen.Add(value))
        {
            list.Add(value);
        }

        return null;
    }
}

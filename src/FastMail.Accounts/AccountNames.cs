using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace FastMail.Accounts;

/// <summary>The rules for user and domain names, shared by the admin API and the file loader.</summary>
public static class AccountNames
{
    /// <summary>RFC 5321 4.5.3.1.1: a local part is at most 64 octets.</summary>
    public const int MaxUserLength = 64;

    /// <summary>RFC 1035 2.3.4 / RFC 5321 4.5.3.1.2: a domain is at most 255 octets; 253 characters in text form.</summary>
    public const int MaxDomainLength = 253;

    /// <summary>The longest address or per-domain user name: a 64-character local part, '@', a 253-character domain.</summary>
    public const int MaxAddressLength = MaxUserLength + 1 + MaxDomainLength;

    /// <summary>RFC 1035 2.3.4: a label is at most 63 octets.</summary>
    private const int MaxLabelLength = 63;

    private static readonly SearchValues<char> UserChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");
    private static readonly SearchValues<char> LabelChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>RFC 5322 3.2.3 atext: what an unquoted local part of a remote address may hold besides dots.</summary>
    private static readonly SearchValues<char> AtextChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.");

    /// <summary>What a valid user name looks like, for error messages.</summary>
    public const string UserRule = "1-64 characters of a-z, 0-9, '.', '_', '-', not starting or ending with '.' and without '..'";

    /// <summary>What a valid account name looks like, for error messages.</summary>
    public const string AccountRule = "a user name (" + UserRule + "), or user@domain for a user of one local domain only";

    /// <summary>What a valid domain looks like, for error messages.</summary>
    public const string DomainRule = "labels of a-z, 0-9 and '-' (1-63 characters, no leading or trailing '-') separated by '.', at most 253 characters";

    /// <summary>
    /// Lower-cases <paramref name="name"/> and checks it is a user name: 1-64 of [a-z0-9._-], and a dot-atom
    /// (RFC 5321 4.1.2: no leading, trailing or doubled dot) so every name is a valid unquoted local part.
    /// </summary>
    public static bool TryNormalizeUser(string? name, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(name) || name.Length > MaxUserLength)
        {
            return false;
        }

        var lower = name.ToLowerInvariant();
        if (!IsValidUser(lower))
        {
            return false;
        }

        normalized = lower;
        return true;
    }

    /// <summary>True when <paramref name="name"/> is already a canonical (lower-case) user name.</summary>
    public static bool IsValidUser(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxUserLength
        && !name.ContainsAnyExcept(UserChars)
        && name[0] != '.' && name[^1] != '.'
        && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>
    /// Lower-cases <paramref name="domain"/>, drops one trailing root dot, and checks RFC 1035 2.3.1 preferred name
    /// syntax (letters, digits, hyphens; labels 1-63, no leading or trailing hyphen; 253 characters in all).
    /// Single-label names such as "localhost" are allowed for lab setups.
    /// </summary>
    public static bool TryNormalizeDomain(string? domain, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(domain))
        {
            return false;
        }

        var lower = domain.ToLowerInvariant();
        if (lower.EndsWith('.'))
        {
            lower = lower[..^1];
        }

        if (!IsValidDomain(lower))
        {
            return false;
        }

        normalized = lower;
        return true;
    }

    /// <summary>True when <paramref name="domain"/> is already a canonical (lower-case, no trailing dot) domain.</summary>
    public static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > MaxDomainLength)
        {
            return false;
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > MaxLabelLength || label.ContainsAnyExcept(LabelChars) || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Lower-cases <paramref name="name"/> and checks it is an account name: a user name shared by all local domains
    /// ("alice"), or a per-domain user name ("alice@example.org": a user name, '@', a domain). Whether the domain is local
    /// is for the caller to check: it depends on the configuration.
    /// </summary>
    public static bool TryNormalizeAccountName(string? name, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(name) || name.Length > MaxAddressLength)
        {
            return false;
        }

        var lower = name.ToLowerInvariant();
        if (lower.EndsWith('.') && lower.Contains('@', StringComparison.Ordinal))
        {
            lower = lower[..^1]; // a root dot on the domain, as TryNormalizeDomain accepts it
        }

        if (!IsValidAccountName(lower))
        {
            return false;
        }

        normalized = lower;
        return true;
    }

    /// <summary>True when <paramref name="name"/> is a canonical user name or per-domain user name ("alice@example.org").</summary>
    public static bool IsValidAccountName(ReadOnlySpan<char> name)
    {
        var at = name.IndexOf('@');
        return at < 0 ? IsValidUser(name) : IsValidUser(name[..at]) && IsValidDomain(name[(at + 1)..]);
    }

    /// <summary>The domain of a per-domain user name, or empty for a user shared by all local domains.</summary>
    public static ReadOnlySpan<char> DomainOf(ReadOnlySpan<char> accountName)
    {
        var at = accountName.IndexOf('@');
        return at < 0 ? [] : accountName[(at + 1)..];
    }

    /// <summary>
    /// True for the local part of a remote address as this server writes it unquoted: RFC 5321 4.1.2 Dot-string of
    /// RFC 5322 atext, 1-64 characters. Quoted local parts are not accepted as alias targets.
    /// </summary>
    public static bool IsValidRemoteLocalPart(ReadOnlySpan<char> localPart) =>
        localPart.Length is > 0 and <= MaxUserLength
        && !localPart.ContainsAnyExcept(AtextChars)
        && localPart[0] != '.' && localPart[^1] != '.'
        && !localPart.Contains("..", StringComparison.Ordinal);

    /// <summary>What a valid alias address looks like, for error messages.</summary>
    public const string AliasRule = "local@domain, or @domain for the catch-all of a local domain (the local part as for a user name)";

    /// <summary>What a valid alias target looks like, for error messages.</summary>
    public const string TargetRule = "a user name, a local address (name@local.domain) or a remote address (name@remote.domain)";

    /// <summary>
    /// Lower-cases an alias address and checks it: "local@domain" with a user-name local part, or "@domain" (a catch-all).
    /// Whether the domain is local is for the caller to check.
    /// </summary>
    public static bool TryNormalizeAliasAddress(string? address, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(address) || address.Length > MaxAddressLength + 1)
        {
            return false;
        }

        var lower = address.ToLowerInvariant();
        if (lower.EndsWith('.'))
        {
            lower = lower[..^1];
        }

        if (!IsValidAliasAddress(lower))
        {
            return false;
        }

        normalized = lower;
        return true;
    }

    /// <summary>True when <paramref name="address"/> is a canonical alias address ("postmaster@example.org" or "@example.org").</summary>
    public static bool IsValidAliasAddress(ReadOnlySpan<char> address)
    {
        var at = address.IndexOf('@');
        return at >= 0 && (at == 0 || IsValidUser(address[..at])) && IsValidDomain(address[(at + 1)..]);
    }

    /// <summary>
    /// Normalizes an alias target: a user name is lower-cased; an address gets a lower-case domain, and a lower-case
    /// local part when <paramref name="isLocalDomain"/> says the domain is local (local parts there are user names);
    /// a remote local part keeps its case (RFC 5321 2.4: only the remote host may fold it).
    /// </summary>
    public static bool TryNormalizeAliasTarget(string? target, Func<string, bool> isLocalDomain, [NotNullWhen(true)] out string? normalized)
    {
        ArgumentNullException.ThrowIfNull(isLocalDomain);
        normalized = null;
        if (string.IsNullOrEmpty(target) || target.Length > MaxAddressLength + 1)
        {
            return false;
        }

        var at = target.LastIndexOf('@');
        if (at < 0)
        {
            return TryNormalizeUser(target, out normalized);
        }

        if (!TryNormalizeDomain(target[(at + 1)..], out var domain))
        {
            return false;
        }

        var local = isLocalDomain(domain) ? target[..at].ToLowerInvariant() : target[..at];
        var candidate = local + "@" + domain;
        if (!IsValidAliasTarget(candidate, isLocalDomain(domain)))
        {
            return false;
        }

        normalized = candidate;
        return true;
    }

    /// <summary>
    /// True when <paramref name="target"/> is a canonical alias target. <paramref name="domainIsLocal"/>: whether its
    /// domain is local (then the local part must be a user name), or null when that is not known.
    /// </summary>
    public static bool IsValidAliasTarget(ReadOnlySpan<char> target, bool? domainIsLocal)
    {
        var at = target.LastIndexOf('@');
        if (at < 0)
        {
            return IsValidUser(target);
        }

        var local = target[..at];
        if (!IsValidDomain(target[(at + 1)..]))
        {
            return false;
        }

        return domainIsLocal switch
        {
            true => IsValidUser(local),
            false => IsValidRemoteLocalPart(local),
            null => IsValidRemoteLocalPart(local),
        };
    }
}

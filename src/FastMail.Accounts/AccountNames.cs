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

    /// <summary>RFC 1035 2.3.4: a label is at most 63 octets.</summary>
    private const int MaxLabelLength = 63;

    private static readonly SearchValues<char> UserChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");
    private static readonly SearchValues<char> LabelChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>What a valid user name looks like, for error messages.</summary>
    public const string UserRule = "1-64 characters of a-z, 0-9, '.', '_', '-', not starting or ending with '.' and without '..'";

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
}

using System.Diagnostics.CodeAnalysis;
using FastMail.Accounts.Lookup;

namespace FastMail.Accounts;

/// <summary>Mailbox and domain lookups on wire bytes: ASCII lower-cased into a stack buffer, looked up by span, no allocation.</summary>
public sealed partial class AccountDirectory
{
    /// <inheritdoc />
    public bool IsLocalDomain(ReadOnlySpan<byte> domain) => IsLocalDomain(domain, Current);

    /// <inheritdoc />
    public bool TryFindMailbox(ReadOnlySpan<byte> localPart, [NotNullWhen(true)] out string? mailbox)
    {
        if (TryFindUser(localPart, Current, out var user))
        {
            mailbox = user.Name;
            return true;
        }

        mailbox = null;
        return false;
    }

    /// <inheritdoc />
    public bool TryFindPostmaster([NotNullWhen(true)] out string? mailbox)
    {
        mailbox = Current.Postmaster?.Name;
        return mailbox is not null;
    }

    /// <inheritdoc />
    public bool IsLoginOf(ReadOnlySpan<byte> login, string mailbox) =>
        TryResolveLogin(login, Current, out var user) && string.Equals(user.Name, mailbox, StringComparison.Ordinal);

    /// <inheritdoc />
    public long GetQuota(string mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return Current.QuotaOf(mailbox);
    }

    private static bool IsLocalDomain(ReadOnlySpan<byte> domain, DirectorySnapshot snapshot)
    {
        Span<char> lower = stackalloc char[AccountNames.MaxDomainLength];
        return AsciiLower.TryDecode(domain, lower, out var length) && length > 0 && snapshot.IsLocalDomain(lower[..length]);
    }

    private static bool TryFindUser(ReadOnlySpan<byte> localPart, DirectorySnapshot snapshot, [NotNullWhen(true)] out UserEntry? user)
    {
        Span<char> lower = stackalloc char[AccountNames.MaxUserLength];
        if (AsciiLower.TryDecode(localPart, lower, out var length) && length > 0 && snapshot.TryGetUser(lower[..length], out user))
        {
            return true;
        }

        user = null;
        return false;
    }

    /// <summary>A login name: "name", or "name@domain" where the domain must be local (any case).</summary>
    private static bool TryResolveLogin(ReadOnlySpan<byte> login, DirectorySnapshot snapshot, [NotNullWhen(true)] out UserEntry? user)
    {
        var at = login.LastIndexOf((byte)'@');
        if (at >= 0 && !IsLocalDomain(login[(at + 1)..], snapshot))
        {
            user = null;
            return false;
        }

        return TryFindUser(at >= 0 ? login[..at] : login, snapshot, out user);
    }
}

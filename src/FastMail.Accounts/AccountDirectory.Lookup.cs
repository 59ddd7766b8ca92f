using System.Diagnostics.CodeAnalysis;
using FastMail.Accounts.Lookup;
using FastMail.Core.Services;

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
    public bool TryFindMailbox(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, [NotNullWhen(true)] out string? mailbox)
    {
        Span<char> address = stackalloc char[AccountNames.MaxAddressLength];
        var snapshot = Current;
        if (TryLowerLocalAddress(localPart, domain, snapshot, address, out var localLength, out var length)
            && TryFindUser(address[..length], localLength, snapshot, out var user))
        {
            mailbox = user.Name;
            return true;
        }

        mailbox = null;
        return false;
    }

    /// <inheritdoc />
    public bool TryExpandAlias(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, [NotNullWhen(true)] out AliasExpansion? expansion)
    {
        Span<char> address = stackalloc char[AccountNames.MaxAddressLength];
        var snapshot = Current;
        expansion = null;
        if (snapshot.AliasCount == 0 || !TryLowerLocalAddress(localPart, domain, snapshot, address, out var localLength, out var length))
        {
            return false;
        }

        var exact = address[..length];
        if (snapshot.TryGetAlias(exact, out expansion))
        {
            return true;
        }

        // A user of that name wins over the catch-all: the catch-all takes only what nobody else receives.
        if (TryFindUser(exact, localLength, snapshot, out _))
        {
            return false;
        }

        return snapshot.TryGetAlias(exact[localLength..], out expansion); // "@domain"
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

    /// <summary>A shared user by local part: never a per-domain user, whose name holds an '@' no local part here has.</summary>
    private static bool TryFindUser(ReadOnlySpan<byte> localPart, DirectorySnapshot snapshot, [NotNullWhen(true)] out UserEntry? user)
    {
        Span<char> lower = stackalloc char[AccountNames.MaxUserLength];
        if (localPart.IndexOf((byte)'@') < 0
            && AsciiLower.TryDecode(localPart, lower, out var length) && length > 0 && snapshot.TryGetUser(lower[..length], out user))
        {
            return true;
        }

        user = null;
        return false;
    }

    /// <summary>The per-domain user of a lower-case local address ("alice@example.org"), else the shared user of its local part.</summary>
    private static bool TryFindUser(ReadOnlySpan<char> address, int localLength, DirectorySnapshot snapshot, [NotNullWhen(true)] out UserEntry? user) =>
        snapshot.TryGetUser(address, out user) || snapshot.TryGetUser(address[..localLength], out user);

    /// <summary>
    /// Writes "localpart@domain" lower-cased into <paramref name="destination"/> (the primary domain when
    /// <paramref name="domain"/> is empty). False when the domain is not local, the local part is empty, holds an '@'
    /// (a quoted local part: no account has one) or is longer than a user name can be, or either part is not ASCII.
    /// </summary>
    private static bool TryLowerLocalAddress(
        ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, DirectorySnapshot snapshot, Span<char> destination, out int localLength, out int length)
    {
        length = 0;
        if (localPart.IsEmpty || localPart.Length > AccountNames.MaxUserLength || localPart.IndexOf((byte)'@') >= 0
            || !AsciiLower.TryDecode(localPart, destination, out localLength))
        {
            localLength = 0;
            return false;
        }

        destination[localLength] = '@';
        var domainChars = destination[(localLength + 1)..];
        int domainLength;
        if (domain.IsEmpty)
        {
            snapshot.PrimaryDomain.CopyTo(domainChars);
            domainLength = snapshot.PrimaryDomain.Length;
        }
        else if (!AsciiLower.TryDecode(domain, domainChars, out domainLength) || !snapshot.IsLocalDomain(domainChars[..domainLength]))
        {
            return false;
        }

        length = localLength + 1 + domainLength;
        return true;
    }

    /// <summary>
    /// A login name: "name" is the shared user of that name; "name@domain" (the domain local, any case) is the per-domain
    /// user of that address, else the shared user "name".
    /// </summary>
    private static bool TryResolveLogin(ReadOnlySpan<byte> login, DirectorySnapshot snapshot, [NotNullWhen(true)] out UserEntry? user)
    {
        var at = login.LastIndexOf((byte)'@');
        if (at < 0)
        {
            return TryFindUser(login, snapshot, out user);
        }

        Span<char> address = stackalloc char[AccountNames.MaxAddressLength];
        user = null;
        var domain = login[(at + 1)..];
        return !domain.IsEmpty
            && TryLowerLocalAddress(login[..at], domain, snapshot, address, out var localLength, out var length)
            && TryFindUser(address[..length], localLength, snapshot, out user);
    }
}

using System.Diagnostics.CodeAnalysis;

namespace FastMail.Core.Services;

/// <summary>
/// Users and domains as the protocol sessions see them. Implementations are thread-safe and
/// answer lookups without allocating (they hand out the canonical mailbox name they already hold).
/// A mailbox name is the user's canonical account name (lower-case local part, e.g. "motriles").
/// </summary>
public interface IDirectory
{
    /// <summary>The domain an unqualified address ("motriles") belongs to.</summary>
    string PrimaryDomain { get; }

    /// <summary>True when <paramref name="domain"/> (ASCII, any case, no trailing dot) is served here.</summary>
    bool IsLocalDomain(ReadOnlySpan<byte> domain);

    /// <summary>
    /// Finds the mailbox of a local part (any case). Users are shared by all local domains,
    /// as in a classic single-host mail server. Returns the canonical name instance, never a new string.
    /// </summary>
    bool TryFindMailbox(ReadOnlySpan<byte> localPart, [NotNullWhen(true)] out string? mailbox);

    /// <summary>
    /// Finds the mailbox of <c>localPart@domain</c> (any case; an empty <paramref name="domain"/> is the primary domain):
    /// the per-domain user of that address ("alice@example.org") first, else the shared user of that local part. False
    /// when the domain is not local. Aliases are not consulted (see <see cref="TryExpandAlias"/>). No allocation.
    /// The default implementation knows shared users only.
    /// </summary>
    bool TryFindMailbox(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, [NotNullWhen(true)] out string? mailbox)
    {
        if (!domain.IsEmpty && !IsLocalDomain(domain))
        {
            mailbox = null;
            return false;
        }

        return TryFindMailbox(localPart, out mailbox);
    }

    /// <summary>
    /// Expands <c>localPart@domain</c> (the domain must be local; an empty <paramref name="domain"/> is the primary
    /// domain, for an unqualified recipient) when an alias applies. Precedence: an alias of the exact address, then a user
    /// of that name (per-domain user first, then shared user: then this returns false and
    /// <see cref="TryFindMailbox(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out string?)"/> finds it), then the catch-all
    /// ("@domain") of the domain. The expansion was computed when the accounts were loaded: no allocation here.
    /// The default implementation knows no aliases.
    /// </summary>
    bool TryExpandAlias(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, [NotNullWhen(true)] out AliasExpansion? expansion)
    {
        expansion = null;
        return false;
    }

    /// <summary>
    /// The mailbox that receives mail for <c>postmaster</c> at every local domain when no account of that name exists
    /// (RFC 5321 section 4.5.1: postmaster must always be accepted): the configured account, else an account named
    /// postmaster, else the oldest account. False only when there is no account at all.
    /// </summary>
    bool TryFindPostmaster([NotNullWhen(true)] out string? mailbox);

    /// <summary>
    /// Verifies a user name ("name" or "name@local.domain") and password. Returns the mailbox on success,
    /// null otherwise; the answer and its cost never reveal whether the user exists (contract 6).
    /// </summary>
    ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken);

    /// <summary>
    /// RFC 1939 APOP: true when <paramref name="user"/> has an APOP secret and
    /// MD5(<paramref name="timestamp"/> + secret) equals <paramref name="digestHex"/> (lower-case hex).
    /// Accounts without an APOP secret always fail.
    /// </summary>
    bool TryApop(ReadOnlySpan<byte> user, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> digestHex, [NotNullWhen(true)] out string? mailbox);

    /// <summary>
    /// The storage quota of <paramref name="mailbox"/> (a canonical name from <see cref="TryFindMailbox"/>) in bytes:
    /// the account's own limit, else the configured default; 0 or <see cref="long.MaxValue"/> means unlimited.
    /// A dictionary lookup, no allocation: the delivery step asks at every RCPT and at the end of DATA.
    /// </summary>
    long GetQuota(string mailbox);
}

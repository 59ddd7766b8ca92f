using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Services;

namespace FastMail.Tests.TestKit;

/// <summary>A directory with plaintext passwords, for session tests only.</summary>
internal sealed class FakeDirectory : IDirectory, IRelayPolicy
{
    private readonly Dictionary<string, (string Password, string? ApopSecret)> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _quotas = new(StringComparer.Ordinal);

    public FakeDirectory(string primaryDomain = "example.com")
    {
        PrimaryDomain = primaryDomain;
        _domains.Add(primaryDomain);
    }

    public string PrimaryDomain { get; }

    public bool AllowRelay { get; set; }

    public FakeDirectory AddUser(string name, string password, string? apopSecret = null)
    {
        _users[name] = (password, apopSecret);
        return this;
    }

    /// <summary>Gives a mailbox a quota in bytes (0: unlimited).</summary>
    public FakeDirectory SetQuota(string mailbox, long bytes)
    {
        _quotas[mailbox] = bytes;
        return this;
    }

    public long GetQuota(string mailbox) => _quotas.GetValueOrDefault(mailbox);

    public FakeDirectory AddDomain(string domain)
    {
        _domains.Add(domain);
        return this;
    }

    public bool IsLocalDomain(ReadOnlySpan<byte> domain) => _domains.Contains(Encoding.ASCII.GetString(domain));

    public bool TryFindMailbox(ReadOnlySpan<byte> localPart, [NotNullWhen(true)] out string? mailbox)
    {
        var name = Encoding.ASCII.GetString(localPart).ToLowerInvariant();
        mailbox = _users.ContainsKey(name) ? name : null;
        return mailbox is not null;
    }

    /// <summary>The account postmaster's mail goes to; null: none.</summary>
    public string? Postmaster { get; set; }

    public bool TryFindPostmaster([NotNullWhen(true)] out string? mailbox)
    {
        mailbox = Postmaster;
        return mailbox is not null;
    }

    public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        var name = Encoding.UTF8.GetString(user.Span).ToLowerInvariant();
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            name = name[..at];
        }

        var ok = _users.TryGetValue(name, out var record) && record.Password == Encoding.UTF8.GetString(password.Span);
        return ValueTask.FromResult(ok ? name : null);
    }

    public bool TryApop(ReadOnlySpan<byte> user, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> digestHex, [NotNullWhen(true)] out string? mailbox)
    {
        mailbox = null;
        var name = Encoding.ASCII.GetString(user).ToLowerInvariant();
        if (!_users.TryGetValue(name, out var record) || record.ApopSecret is null)
        {
            return false;
        }

#pragma warning disable CA5351 // RFC 1939 APOP is defined on MD5
        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(timestamp) + record.ApopSecret)));
#pragma warning restore CA5351
        if (expected != Encoding.ASCII.GetString(digestHex))
        {
            return false;
        }

        mailbox = name;
        return true;
    }

    public bool MayRelay(IPAddress? remote, string? authenticatedUser) => AllowRelay || authenticatedUser is not null;
}

using System.Text;
using FastMail.Accounts;
using FastMail.Core.Services;

namespace FastMail.Tests.Accounts;

/// <summary>Users named "alice@example.org": only that address, login with the full name, preferred over the shared alice there.</summary>
public sealed class PerDomainUserTests : IDisposable
{
    private readonly TempDirectory _dir = new("perdomain");
    private readonly AccountAdmin _admin;

    public PerDomainUserTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddDomain("example.org");
        _admin.AddUser("alice", "shared-pw");
    }

    public void Dispose() => _dir.Dispose();

    private static bool Find(IDirectory directory, string localPart, string domain, out string? mailbox) =>
        directory.TryFindMailbox(Encoding.ASCII.GetBytes(localPart), Encoding.ASCII.GetBytes(domain), out mailbox);

    [Fact]
    public void AddUserAcceptsALocalDomainAndRefusesAnotherOne()
    {
        var added = _admin.AddUser("Alice@Example.ORG", "own-pw");
        var refused = _admin.AddUser("alice@remote.test", "pw");
        var malformed = _admin.AddUser("alice@bad domain", "pw");

        Assert.True(added.Succeeded, added.Message);
        Assert.Equal("user 'alice@example.org' added", added.Message);
        Assert.Equal(AdminError.DomainNotFound, refused.Error);
        Assert.Equal("domain 'remote.test' is not local", refused.Message);
        Assert.Equal(AdminError.InvalidUserName, malformed.Error);
        Assert.Equal(["alice", "alice@example.org"], _admin.ListUsers().Select(u => u.Name));
    }

    [Fact]
    public void APerDomainUserGetsOnlyItsAddressAndTheSharedUserKeepsTheOthers()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(Find(directory, "ALICE", "example.ORG", out var there));
        Assert.Equal("alice@example.org", there);
        Assert.True(Find(directory, "alice", "example.com", out var elsewhere));
        Assert.Equal("alice", elsewhere);
        Assert.True(Find(directory, "alice", "", out var unqualified));
        Assert.Equal("alice", unqualified);
        Assert.False(Find(directory, "alice", "remote.test", out _));
        Assert.True(directory.TryFindMailbox("alice"u8, out var shared)); // the old overload: shared users only
        Assert.Equal("alice", shared);
        Assert.False(directory.TryFindMailbox("alice@example.org"u8, out _)); // a local part never names a per-domain user
    }

    [Fact]
    public void APerDomainUserAtThePrimaryDomainTakesUnqualifiedMail()
    {
        _admin.AddUser("alice@example.com", "own-pw");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(Find(directory, "alice", "", out var mailbox));
        Assert.Equal("alice@example.com", mailbox);
    }

    [Fact]
    public void APerDomainUserAloneExistsOnlyAtItsDomain()
    {
        _admin.AddUser("dave@example.org", "pw");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(Find(directory, "dave", "example.org", out _));
        Assert.False(Find(directory, "dave", "example.com", out _));
        Assert.False(directory.TryFindMailbox("dave"u8, out _));
    }

    [Fact]
    public async Task APerDomainUserLogsInWithItsFullNameAndTheSharedUserWithItsOwn()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        _admin.AddUser("dave@example.org", "dave-pw");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.Equal("alice@example.org", await directory.AuthenticateAsync("Alice@Example.org"u8.ToArray(), "own-pw"u8.ToArray(), default));
        Assert.Null(await directory.AuthenticateAsync("alice@example.org"u8.ToArray(), "shared-pw"u8.ToArray(), default));
        Assert.Equal("alice", await directory.AuthenticateAsync("alice"u8.ToArray(), "shared-pw"u8.ToArray(), default));
        Assert.Equal("alice", await directory.AuthenticateAsync("alice@example.com"u8.ToArray(), "shared-pw"u8.ToArray(), default));
        Assert.Equal("dave@example.org", await directory.AuthenticateAsync("dave@example.org"u8.ToArray(), "dave-pw"u8.ToArray(), default));
        Assert.Null(await directory.AuthenticateAsync("dave"u8.ToArray(), "dave-pw"u8.ToArray(), default));
        Assert.Null(await directory.AuthenticateAsync("dave@example.com"u8.ToArray(), "dave-pw"u8.ToArray(), default));
        Assert.True(directory.IsLoginOf("ALICE@example.org"u8, "alice@example.org"));
        Assert.False(directory.IsLoginOf("alice"u8, "alice@example.org"));
    }

    [Fact]
    public async Task APerDomainUserIsAnsweredFromTheAuthCacheOnItsSecondLogin()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        await directory.AuthenticateAsync("alice@example.org"u8.ToArray(), "own-pw"u8.ToArray(), default);
        Assert.Equal("alice@example.org", await directory.AuthenticateAsync("alice@example.org"u8.ToArray(), "own-pw"u8.ToArray(), default));

        Assert.Equal(1, directory.AuthCacheHits);
    }

    [Fact]
    public void ScramAndApopAcceptTheQualifiedName()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        _admin.SetApopSecret("alice@example.org", "apop-secret");
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(directory.TryGetScramCredentials("alice@example.org"u8, out var credentials));
        Assert.Equal("alice@example.org", credentials.Mailbox);

        var timestamp = "<1.2@host>"u8.ToArray();
#pragma warning disable CA5351 // APOP is MD5 by RFC 1939
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData([.. timestamp, .. "apop-secret"u8.ToArray()]));
#pragma warning restore CA5351
        Assert.True(directory.TryApop("alice@example.org"u8, timestamp, Encoding.ASCII.GetBytes(digest), out var mailbox));
        Assert.Equal("alice@example.org", mailbox);
        Assert.False(directory.TryApop("alice"u8, timestamp, Encoding.ASCII.GetBytes(digest), out _));
    }

    [Fact]
    public void APerDomainUserHasItsOwnQuota()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        _admin.SetQuota("alice@example.org", 1000);
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.Equal(1000, directory.GetQuota("alice@example.org"));
        Assert.Equal(0, directory.GetQuota("alice"));
    }

    [Fact]
    public void AnAliasTargetAddressPrefersThePerDomainUser()
    {
        _admin.AddUser("alice@example.org", "own-pw");
        _admin.AddAlias("info@example.org", ["alice@example.org", "alice"]);
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(directory.TryExpandAlias("info"u8, "example.org"u8, out var expansion));
        Assert.Equal(["alice@example.org", "alice"], expansion.Mailboxes);
    }

    [Fact]
    public void APerDomainUserWinsOverTheCatchAllOfItsDomain()
    {
        _admin.AddUser("dave@example.org", "pw");
        _admin.AddAlias("@example.org", ["alice"]);
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.False(directory.TryExpandAlias("dave"u8, "example.org"u8, out _));
        Assert.False(directory.TryExpandAlias("dave"u8, "example.com"u8, out _)); // no catch-all there
        Assert.True(directory.TryExpandAlias("erin"u8, "example.org"u8, out _));
    }

    [Fact]
    public void DeletingTheDomainOfAPerDomainUserIsRefused()
    {
        _admin.AddUser("dave@example.org", "pw");

        var result = _admin.DeleteDomain("example.org");

        Assert.Equal(AdminError.InUse, result.Error);
        Assert.Equal("cannot delete domain 'example.org': users[1] 'dave@example.org': domain 'example.org' is not local (add it to \"domains\")", result.Message);
    }
}

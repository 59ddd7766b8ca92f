using FastMail.Accounts;
using FastMail.Core.Services;

namespace FastMail.Tests.Accounts;

/// <summary>IDirectory.TryExpandAlias as the router asks it: precedence, nesting, remote targets, live reload.</summary>
public sealed class AliasLookupTests : IDisposable
{
    private readonly TempDirectory _dir = new("aliases");
    private readonly AccountAdmin _admin;

    public AliasLookupTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddUser("alice", "pw");
        _admin.AddUser("bob", "pw");
        _admin.AddUser("carol", "pw");
        _admin.AddDomain("example.org");
    }

    public void Dispose() => _dir.Dispose();

    private AccountDirectory OpenDirectory() => new(_dir.AccountsOptions());

    private static AliasExpansion Expand(IDirectory directory, string localPart, string domain)
    {
        Assert.True(directory.TryExpandAlias(System.Text.Encoding.ASCII.GetBytes(localPart), System.Text.Encoding.ASCII.GetBytes(domain), out var expansion));
        return expansion;
    }

    [Fact]
    public void AnExactAliasExpandsToItsUsersInAnyCase()
    {
        _admin.AddAlias("postmaster@example.org", ["alice", "bob"]);
        var directory = OpenDirectory();

        var expansion = Expand(directory, "PostMaster", "EXAMPLE.org");

        Assert.Equal(["alice", "bob"], expansion.Mailboxes);
        Assert.Empty(expansion.RemoteAddresses);
        Assert.False(directory.TryExpandAlias("postmaster"u8, "example.com"u8, out _)); // another local domain: no alias there
        Assert.False(directory.TryExpandAlias("postmaster"u8, "remote.test"u8, out _));
    }

    [Fact]
    public void AnExactAliasWinsOverAUserOfThatNameAndMayStillDeliverToTheUser()
    {
        _admin.AddAlias("alice@example.org", ["alice", "bob"]);
        var directory = OpenDirectory();

        Assert.Equal(["alice", "bob"], Expand(directory, "alice", "example.org").Mailboxes);
        Assert.False(directory.TryExpandAlias("alice"u8, "example.com"u8, out _)); // at the other domain alice is just alice
    }

    [Fact]
    public void AUserWinsOverTheCatchAll()
    {
        _admin.AddAlias("@example.org", ["carol"]);
        var directory = OpenDirectory();

        Assert.False(directory.TryExpandAlias("alice"u8, "example.org"u8, out _));
        Assert.True(directory.TryFindMailbox("alice"u8, "example.org"u8, out var mailbox));
        Assert.Equal("alice", mailbox);
        Assert.Equal(["carol"], Expand(directory, "whoever", "example.org").Mailboxes);
        Assert.False(directory.TryExpandAlias("whoever"u8, "example.com"u8, out _)); // the catch-all is of example.org only
    }

    [Fact]
    public void AnUnqualifiedRecipientIsAtThePrimaryDomain()
    {
        _admin.AddAlias("sales@example.com", ["bob"]);
        _admin.AddAlias("@example.com", ["carol"]);
        var directory = OpenDirectory();

        Assert.Equal(["bob"], Expand(directory, "sales", "").Mailboxes);
        Assert.Equal(["carol"], Expand(directory, "nobody", "").Mailboxes);
        Assert.False(directory.TryExpandAlias("alice"u8, ""u8, out _));
    }

    [Fact]
    public void NestedAliasesExpandRecursivelyToDistinctMailboxes()
    {
        _admin.AddAlias("team@example.org", ["alice", "bob"]);
        _admin.AddAlias("ops@example.org", ["bob", "carol"]);
        _admin.AddAlias("all@example.org", ["team@example.org", "ops@example.org", "alice", "dave@remote.test"]);
        var directory = OpenDirectory();

        var expansion = Expand(directory, "all", "example.org");

        Assert.Equal(["alice", "bob", "carol"], expansion.Mailboxes);
        Assert.Equal(["dave@remote.test"], expansion.RemoteAddresses);
    }

    [Fact]
    public void ATargetAddressWithoutAliasResolvesThroughItsUserOrTheCatchAll()
    {
        _admin.AddAlias("@example.com", ["carol"]);
        _admin.AddAlias("info@example.org", ["bob@example.com", "unknown@example.com"]);
        var directory = OpenDirectory();

        Assert.Equal(["bob", "carol"], Expand(directory, "info", "example.org").Mailboxes);
    }

    [Fact]
    public void RemoteTargetsAreKeptWithTheirLocalPartCaseAndALowerCaseDomain()
    {
        _admin.AddAlias("fwd@example.org", ["Carol.Smith@Remote.TEST", "x@remote.test", "alice"]);
        var directory = OpenDirectory();

        var expansion = Expand(directory, "fwd", "example.org");

        Assert.Equal(["Carol.Smith@remote.test", "x@remote.test"], expansion.RemoteAddresses);
        Assert.Equal(["alice"], expansion.Mailboxes);
    }

    [Fact]
    public void TheMailboxNamesAreTheDirectorysCanonicalInstances()
    {
        _admin.AddAlias("info@example.org", ["alice"]);
        var directory = OpenDirectory();

        Assert.True(directory.TryFindMailbox("alice"u8, out var mailbox));
        Assert.Same(mailbox, Expand(directory, "info", "example.org").Mailboxes[0]);
    }

    [Fact]
    public void TheHitPathDoesNotAllocate()
    {
        _admin.AddAlias("info@example.org", ["alice"]);
        _admin.AddAlias("@example.org", ["bob"]);
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromHours(1)));
        _ = directory.TryExpandAlias("info"u8, "example.org"u8, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = directory.TryExpandAlias("INFO"u8, "example.org"u8, out _);
            _ = directory.TryExpandAlias("whoever"u8, "example.org"u8, out _);
            _ = directory.TryExpandAlias("alice"u8, "example.org"u8, out _);
            _ = directory.TryFindMailbox("alice"u8, "example.org"u8, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void OddInputFindsNothing()
    {
        _admin.AddAlias("@example.org", ["bob"]);
        var directory = OpenDirectory();

        Assert.False(directory.TryExpandAlias(""u8, "example.org"u8, out _));
        Assert.False(directory.TryExpandAlias("a@example.org"u8, "example.org"u8, out _)); // a quoted local part holding an at sign
        Assert.False(directory.TryExpandAlias(new byte[65], "example.org"u8, out _));
        Assert.False(directory.TryExpandAlias("b\u00f8b"u8, "example.org"u8, out _));
    }

    [Fact]
    public async Task TheRunningDirectoryPicksUpANewAlias()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromMilliseconds(5)));
        Assert.False(directory.TryExpandAlias("postmaster"u8, "example.org"u8, out _));

        var cli = new AccountAdmin(_dir.AccountsOptions()); // what `fastmail alias add` does in its own process
        cli.AddAlias("postmaster@example.org", ["alice"]);
        await Task.Delay(20);

        Assert.Equal(["alice"], Expand(directory, "postmaster", "example.org").Mailboxes);

        cli.RemoveAlias("postmaster@example.org");
        await Task.Delay(20);

        Assert.False(directory.TryExpandAlias("postmaster"u8, "example.org"u8, out _));
    }
}

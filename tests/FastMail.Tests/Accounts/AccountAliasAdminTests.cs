using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

/// <summary>AccountAdmin.AddAlias / RemoveAlias / ListAliases: what `fastmail alias` does.</summary>
public sealed class AccountAliasAdminTests : IDisposable
{
    private readonly TempDirectory _dir = new("aliases");
    private readonly AccountAdmin _admin;

    public AccountAliasAdminTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddUser("alice", "pw");
        _admin.AddUser("bob", "pw");
        _admin.AddDomain("example.org");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AddCreatesTheAliasNormalizedAndAddAgainAddsTargets()
    {
        var created = _admin.AddAlias("PostMaster@Example.ORG", ["ALICE"]);
        var extended = _admin.AddAlias("postmaster@example.org", ["alice", "Carol@REMOTE.test", "bob@EXAMPLE.org"]);

        Assert.True(created.Succeeded, created.Message);
        Assert.Equal("alias 'postmaster@example.org' added: alice", created.Message);
        Assert.True(extended.Succeeded, extended.Message);
        Assert.Equal("alias 'postmaster@example.org' now goes to alice, Carol@remote.test, bob@example.org", extended.Message);
        var alias = Assert.Single(_admin.ListAliases());
        Assert.Equal("postmaster@example.org", alias.Address);
        Assert.Equal(["alice", "Carol@remote.test", "bob@example.org"], alias.Targets);
    }

    [Fact]
    public void AddingOnlyTargetsTheAliasAlreadyHasIsRefused()
    {
        _admin.AddAlias("@example.org", ["bob"]);

        var result = _admin.AddAlias("@example.org", ["BOB"]);

        Assert.Equal(AdminError.AliasTargetExists, result.Error);
        Assert.Equal("alias '@example.org' already has target bob", result.Message);
    }

    [Theory]
    [InlineData("info", AdminError.InvalidAlias, "invalid alias address 'info': use local@domain, or @domain for the catch-all of a local domain (the local part as for a user name)")]
    [InlineData("in fo@example.org", AdminError.InvalidAlias, "invalid alias address 'in fo@example.org': use local@domain, or @domain for the catch-all of a local domain (the local part as for a user name)")]
    [InlineData("info@remote.test", AdminError.DomainNotFound, "domain 'remote.test' is not local")]
    public void ABadAddressIsRefused(string address, AdminError error, string message)
    {
        var result = _admin.AddAlias(address, ["alice"]);

        Assert.Equal(error, result.Error);
        Assert.Equal(message, result.Message);
        Assert.Empty(_admin.ListAliases());
    }

    [Theory]
    [InlineData("nobody", "cannot add alias 'info@example.org': alias 'info@example.org': target 'nobody' is not a user")]
    [InlineData("nobody@example.org", "cannot add alias 'info@example.org': alias 'info@example.org': target 'nobody@example.org' is at a local domain, but no alias, user or catch-all receives its mail")]
    [InlineData("info@example.org", "cannot add alias 'info@example.org': aliases form a cycle: info@example.org -> info@example.org")]
    public void ATargetThatReachesNobodyIsRefused(string target, string message)
    {
        var result = _admin.AddAlias("info@example.org", [target]);

        Assert.Equal(AdminError.InUse, result.Error);
        Assert.Equal(message, result.Message);
        Assert.Empty(_admin.ListAliases());
    }

    [Fact]
    public void AMalformedTargetIsRefused()
    {
        var result = _admin.AddAlias("info@example.org", ["alice", "not an address@remote.test"]);

        Assert.Equal(AdminError.InvalidAliasTarget, result.Error);
        Assert.Equal("invalid alias target 'not an address@remote.test': use a user name, a local address (name@local.domain) or a remote address (name@remote.domain)", result.Message);
    }

    [Fact]
    public void AnAliasCannotGrowPastAHundredTargets()
    {
        _admin.AddAlias("list@example.org", [.. Enumerable.Range(0, 99).Select(i => $"r{i}@remote.test")]);

        var result = _admin.AddAlias("list@example.org", ["x@remote.test", "y@remote.test"]);

        Assert.Equal(AdminError.InvalidAliasTarget, result.Error);
        Assert.Equal("alias 'list@example.org' would have 101 targets; at most 100 are allowed", result.Message);
    }

    [Fact]
    public void RemoveTakesOneTargetThenTheAliasWithItsLastTarget()
    {
        _admin.AddAlias("info@example.org", ["alice", "bob"]);

        var one = _admin.RemoveAlias("info@example.org", "Alice");
        var last = _admin.RemoveAlias("info@example.org", "bob");

        Assert.Equal("target 'alice' removed from alias 'info@example.org'; it now goes to bob", one.Message);
        Assert.Equal("alias 'info@example.org' removed (its last target 'bob' was removed)", last.Message);
        Assert.Empty(_admin.ListAliases());
    }

    [Fact]
    public void RemovingWhatIsNotThereIsRefused()
    {
        _admin.AddAlias("info@example.org", ["alice"]);

        var noAlias = _admin.RemoveAlias("sales@example.org");
        var noTarget = _admin.RemoveAlias("info@example.org", "bob");

        Assert.Equal(AdminError.AliasNotFound, noAlias.Error);
        Assert.Equal("no such alias 'sales@example.org'", noAlias.Message);
        Assert.Equal(AdminError.AliasTargetNotFound, noTarget.Error);
        Assert.Equal("alias 'info@example.org' has no target 'bob'", noTarget.Message);
    }

    [Fact]
    public void RemovingAnAliasAnotherAliasNeedsIsRefused()
    {
        _admin.AddAlias("team@example.org", ["alice", "bob"]);
        _admin.AddAlias("sales@example.org", ["team@example.org"]);

        var result = _admin.RemoveAlias("team@example.org");

        Assert.Equal(AdminError.InUse, result.Error);
        Assert.Equal("cannot remove from alias 'team@example.org': alias 'sales@example.org': target 'team@example.org' is at a local domain, but no alias, user or catch-all receives its mail", result.Message);
        Assert.Equal(2, _admin.ListAliases().Count);
    }

    [Fact]
    public void ListSortsByDomainWithTheCatchAllFirst()
    {
        _admin.AddAlias("zed@example.org", ["alice"]);
        _admin.AddAlias("@example.org", ["bob"]);
        _admin.AddAlias("abuse@example.com", ["alice"]);

        Assert.Equal(["abuse@example.com", "@example.org", "zed@example.org"], _admin.ListAliases().Select(a => a.Address));
    }
}

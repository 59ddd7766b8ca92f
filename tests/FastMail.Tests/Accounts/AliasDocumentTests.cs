using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

/// <summary>What accounts.json may hold about aliases and per-domain users, checked on load and on every admin change.</summary>
public sealed class AliasDocumentTests : IDisposable
{
    private readonly TempDirectory _dir = new("aliases");
    private readonly string _hash = PasswordHasher.Hash("pw", 1000);

    public void Dispose() => _dir.Dispose();

    private AccountStore Store => new(_dir.Path, AccountsTestDirectory.Domain);

    private void WriteFile(string domains, string aliases, string users = "\"alice\", \"bob\"")
    {
        var records = string.Join(", ", users.Split(", ").Select(u => $$"""{ "name": {{u}}, "passwordHash": "{{_hash}}" }"""));
        File.WriteAllText(_dir.AccountsFile, $$"""
            { "version": 1, "users": [ {{records}} ], "domains": [ {{domains}} ], "aliases": [ {{aliases}} ] }
            """);
    }

    [Fact]
    public void AFileWithoutAliasesReadsAsNone()
    {
        File.WriteAllText(_dir.AccountsFile, $$"""{ "version": 1, "users": [ { "name": "alice", "passwordHash": "{{_hash}}" } ], "domains": [] }""");

        Assert.Empty(Store.Load().Aliases);
    }

    [Fact]
    public void AValidFileWithAliasesLoads()
    {
        WriteFile("\"example.org\"", """
            { "address": "postmaster@example.org", "targets": [ "alice", "bob@example.com", "Carol@remote.test" ] },
            { "address": "@example.org", "targets": [ "postmaster@example.org" ] }
            """);

        var document = Store.Load();

        Assert.Equal(2, document.Aliases.Count);
        Assert.Equal(["alice", "bob@example.com", "Carol@remote.test"], document.Aliases[0].Targets);
    }

    [Theory]
    [InlineData("{ \"address\": \"info@other.test\", \"targets\": [ \"alice\" ] }", "domain 'other.test' is not local")]
    [InlineData("{ \"address\": \"@other.test\", \"targets\": [ \"alice\" ] }", "domain 'other.test' is not local")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [] }", "targets must be a list of 1 to 100 targets")]
    [InlineData("{ \"address\": \"info@example.org\" , \"targets\": null }", "targets must be a list of 1 to 100 targets")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"nobody\" ] }", "target 'nobody' is not a user")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"nobody@example.org\" ] }", "no alias, user or catch-all receives its mail")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"alice\", \"alice\" ] }", "target 'alice' appears twice")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"Alice\" ] }", "invalid target 'Alice'")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"Alice@example.org\" ] }", "invalid target 'Alice@example.org'")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"a b@remote.test\" ] }", "invalid target 'a b@remote.test'")]
    [InlineData("{ \"address\": \"info@example.org\", \"targets\": [ \"carol@Remote.test\" ] }", "invalid target 'carol@Remote.test'")]
    [InlineData("{ \"address\": \"Info@example.org\", \"targets\": [ \"alice\" ] }", "invalid alias address 'Info@example.org'")]
    [InlineData("{ \"address\": \"info\", \"targets\": [ \"alice\" ] }", "invalid alias address 'info'")]
    [InlineData("{ \"address\": \"a@example.org\", \"targets\": [ \"alice\" ] }, { \"address\": \"a@example.org\", \"targets\": [ \"bob\" ] }", "alias 'a@example.org' appears twice")]
    public void AnInvalidAliasIsAnErrorNamingTheFileAndTheProblem(string aliases, string problem)
    {
        WriteFile("\"example.org\"", aliases);

        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());

        Assert.StartsWith(_dir.AccountsFile + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanAHundredTargetsAreRefused()
    {
        var targets = string.Join(", ", Enumerable.Range(0, AliasRecord.MaxTargets + 1).Select(i => $"\"r{i}@remote.test\""));
        WriteFile("", $$"""{ "address": "list@example.com", "targets": [ {{targets}} ] }""");

        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());

        Assert.Contains("1 to 100 targets", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHundredTargetsAreAllowed()
    {
        var targets = string.Join(", ", Enumerable.Range(0, AliasRecord.MaxTargets).Select(i => $"\"r{i}@remote.test\""));
        WriteFile("", $$"""{ "address": "list@example.com", "targets": [ {{targets}} ] }""");

        Assert.Equal(AliasRecord.MaxTargets, Assert.Single(Store.Load().Aliases).Targets.Count);
    }

    [Fact]
    public void ACycleOfAliasesIsRefusedNamingTheCycle()
    {
        WriteFile("", """
            { "address": "a@example.com", "targets": [ "b@example.com" ] },
            { "address": "b@example.com", "targets": [ "c@example.com" ] },
            { "address": "c@example.com", "targets": [ "alice", "a@example.com" ] }
            """);

        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());

        Assert.Contains("aliases form a cycle: a@example.com -> b@example.com -> c@example.com -> a@example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACatchAllThatReachesItselfThroughAnUnknownAddressIsACycle()
    {
        WriteFile("", """{ "address": "@example.com", "targets": [ "nobody@example.com" ] }""");

        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());

        Assert.Contains("cycle: @example.com -> @example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesNestEightDeepButNotNine()
    {
        string Chain(int length) => string.Join(", ", Enumerable.Range(0, length).Select(i =>
            i == length - 1
                ? $$"""{ "address": "a{{i}}@example.com", "targets": [ "alice" ] }"""
                : $$"""{ "address": "a{{i}}@example.com", "targets": [ "a{{i + 1}}@example.com" ] }"""));

        WriteFile("", Chain(8));
        Assert.Equal(8, Store.Load().Aliases.Count);

        WriteFile("", Chain(9));
        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());
        Assert.Contains("nests aliases more than 8 deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APerDomainUserOfANonLocalDomainIsRefused()
    {
        WriteFile("", "", "\"alice@other.test\"");

        var ex = Assert.Throws<AccountsFileException>(() => Store.Load());

        Assert.Contains("users[0] 'alice@other.test': domain 'other.test' is not local", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAPrimaryDomainOnlyTheSyntaxIsChecked()
    {
        WriteFile("", """{ "address": "info@other.test", "targets": [ "nobody" ] }""", "\"alice@other.test\"");

        var document = new AccountStore(_dir.Path).Load();

        Assert.Equal("alice@other.test", Assert.Single(document.Users).Name);
    }

    [Fact]
    public void AnAdminChangeThatWouldBreakAnAliasIsRefusedAndNothingIsWritten()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        admin.AddUser("alice", "pw");
        admin.AddDomain("example.org");
        Assert.True(admin.AddAlias("info@example.org", ["alice"]).Succeeded);
        var before = File.ReadAllBytes(_dir.AccountsFile);

        var deleteUser = admin.DeleteUser("alice");
        var deleteDomain = admin.DeleteDomain("example.org");

        Assert.Equal(AdminError.InUse, deleteUser.Error);
        Assert.Equal("cannot delete user 'alice': alias 'info@example.org': target 'alice' is not a user", deleteUser.Message);
        Assert.Equal(AdminError.InUse, deleteDomain.Error);
        Assert.Equal("cannot delete domain 'example.org': aliases[0] 'info@example.org': domain 'example.org' is not local (add it to \"domains\")", deleteDomain.Message);
        Assert.Equal(before, File.ReadAllBytes(_dir.AccountsFile));
    }

    [Fact]
    public void ChangingThePrimaryDomainAwayFromAnAliasMakesTheFileAnError()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        admin.AddUser("alice", "pw");
        admin.AddAlias("info@example.com", ["alice"]);

        var ex = Assert.Throws<AccountsFileException>(() => new AccountDirectory(_dir.AccountsOptions(o => o.PrimaryDomain = "new.test")));

        Assert.Contains("domain 'example.com' is not local", ex.Message, StringComparison.Ordinal);
    }
}

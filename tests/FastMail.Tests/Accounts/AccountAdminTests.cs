using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class AccountAdminTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountAdmin _admin;

    public AccountAdminTests() => _admin = new AccountAdmin(_dir.AccountsOptions());

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AddUserStoresAHashNeverThePassword()
    {
        var result = _admin.AddUser("Alice", "s3cret-pw");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("user 'alice' added", result.Message);
        var json = File.ReadAllText(_dir.AccountsFile);
        Assert.DoesNotContain("s3cret-pw", json, StringComparison.Ordinal);
        var record = Assert.Single(_admin.Store.Load().Users);
        Assert.Equal("alice", record.Name);
        Assert.True(PasswordHasher.Verify("s3cret-pw", record.PasswordHash));
        Assert.StartsWith("$pbkdf2-sha256$i=1000$", record.PasswordHash, StringComparison.Ordinal);
        Assert.Null(record.ApopSecret);
    }

    [Fact]
    public void AddingAnExistingUserInAnyCaseIsRefused()
    {
        _admin.AddUser("alice", "pw1");

        var result = _admin.AddUser("ALICE", "pw2");

        Assert.Equal(AdminError.UserExists, result.Error);
        Assert.Equal("user 'alice' already exists", result.Message);
        Assert.True(PasswordHasher.Verify("pw1", Assert.Single(_admin.Store.Load().Users).PasswordHash));
    }

    [Theory]
    [InlineData("bob smith")]
    [InlineData("bob@")]
    [InlineData("@example.com")]
    [InlineData("bob@bad domain")]
    [InlineData("bob+tag@example.com")]
    [InlineData("")]
    [InlineData("..")]
    public void AddUserWithABadNameIsRefusedWithTheRule(string name)
    {
        var result = _admin.AddUser(name, "pw");

        Assert.Equal(AdminError.InvalidUserName, result.Error);
        Assert.Contains("invalid user name", result.Message, StringComparison.Ordinal);
        Assert.Contains("a-z", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.AccountsFile));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has\nnewline")]
    [InlineData("has\0nul")]
    [InlineData("has\ttab")]
    public void AddUserWithABadPasswordIsRefused(string password)
    {
        var result = _admin.AddUser("bob", password);

        Assert.Equal(AdminError.InvalidPassword, result.Error);
        Assert.Empty(_admin.ListUsers());
    }

    [Fact]
    public void APasswordLongerThanTheLimitIsRefused()
    {
        Assert.True(_admin.AddUser("bob", new string('p', AccountAdmin.MaxPasswordLength)).Succeeded);
        Assert.Equal(AdminError.InvalidPassword, _admin.AddUser("carol", new string('p', AccountAdmin.MaxPasswordLength + 1)).Error);
    }

    [Fact]
    public void DeleteUserRemovesItAndAnUnknownUserIsReported()
    {
        _admin.AddUser("alice", "pw");
        _admin.AddUser("bob", "pw");

        Assert.True(_admin.DeleteUser("Alice").Succeeded);
        var again = _admin.DeleteUser("alice");

        Assert.Equal(AdminError.UserNotFound, again.Error);
        Assert.Equal("no such user 'alice'", again.Message);
        Assert.Equal(["bob"], _admin.ListUsers().Select(u => u.Name));
    }

    [Fact]
    public void SetPasswordReplacesTheHash()
    {
        _admin.AddUser("alice", "old");

        var result = _admin.SetPassword("alice", "new");

        Assert.True(result.Succeeded, result.Message);
        var hash = Assert.Single(_admin.Store.Load().Users).PasswordHash;
        Assert.True(PasswordHasher.Verify("new", hash));
        Assert.False(PasswordHasher.Verify("old", hash));
        Assert.Equal(AdminError.UserNotFound, _admin.SetPassword("nobody", "x").Error);
        Assert.Equal(AdminError.InvalidPassword, _admin.SetPassword("alice", "").Error);
    }

    [Fact]
    public void ApopSecretIsOffByDefaultSetOnRequestAndRemovedWithNull()
    {
        _admin.AddUser("alice", "pw");
        Assert.False(_admin.ListUsers()[0].HasApopSecret);

        var set = _admin.SetApopSecret("alice", "tanstaaf");
        Assert.True(set.Succeeded, set.Message);
        Assert.Contains("plaintext-equivalent", set.Message, StringComparison.Ordinal);
        Assert.Equal("tanstaaf", _admin.Store.Load().Users[0].ApopSecret);
        Assert.True(_admin.ListUsers()[0].HasApopSecret);

        Assert.True(_admin.SetApopSecret("alice", null).Succeeded);
        Assert.Null(_admin.Store.Load().Users[0].ApopSecret);
        Assert.DoesNotContain("apopSecret", File.ReadAllText(_dir.AccountsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void ApopSecretValidationAndUnknownUser()
    {
        _admin.AddUser("alice", "pw");

        Assert.Equal(AdminError.InvalidApopSecret, _admin.SetApopSecret("alice", "").Error);
        Assert.Equal(AdminError.InvalidApopSecret, _admin.SetApopSecret("alice", "tab\there").Error);
        Assert.Equal(AdminError.UserNotFound, _admin.SetApopSecret("bob", "x").Error);
    }

    [Fact]
    public void ListUsersIsSortedByName()
    {
        _admin.AddUser("carol", "pw");
        _admin.AddUser("alice", "pw");
        _admin.AddUser("bob", "pw");

        Assert.Equal(["alice", "bob", "carol"], _admin.ListUsers().Select(u => u.Name));
    }

    [Fact]
    public void DomainsAddListAndDeleteWithThePrimaryAlwaysFirst()
    {
        Assert.Equal(["example.com"], _admin.ListDomains());

        Assert.True(_admin.AddDomain("Mail.Example.ORG").Succeeded);
        Assert.True(_admin.AddDomain("alpha.test").Succeeded);
        Assert.Equal(["example.com", "alpha.test", "mail.example.org"], _admin.ListDomains());

        var deleted = _admin.DeleteDomain("mail.example.org.");
        Assert.True(deleted.Succeeded, deleted.Message);
        Assert.Equal(["example.com", "alpha.test"], _admin.ListDomains());
    }

    [Fact]
    public void DomainErrorsAreReported()
    {
        _admin.AddDomain("other.test");

        Assert.Equal(AdminError.DomainExists, _admin.AddDomain("OTHER.test").Error);
        Assert.Equal(AdminError.DomainExists, _admin.AddDomain("example.com").Error);
        Assert.Equal(AdminError.InvalidDomain, _admin.AddDomain("bad_domain!").Error);
        Assert.Equal(AdminError.InvalidDomain, _admin.DeleteDomain("..").Error);
        Assert.Equal(AdminError.DomainNotFound, _admin.DeleteDomain("nowhere.test").Error);
        var primary = _admin.DeleteDomain("Example.com");
        Assert.Equal(AdminError.PrimaryDomain, primary.Error);
        Assert.Contains("primary domain", primary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoAdminInstancesSeeEachOthersChanges()
    {
        var other = new AccountAdmin(_dir.AccountsOptions());

        _admin.AddUser("alice", "pw");
        other.AddUser("bob", "pw");
        _admin.AddDomain("one.test");
        other.AddDomain("two.test");

        Assert.Equal(["alice", "bob"], _admin.ListUsers().Select(u => u.Name));
        Assert.Equal(["example.com", "one.test", "two.test"], other.ListDomains());
    }

    [Fact]
    public async Task ConcurrentAdminsNeverLoseAChange()
    {
        var admins = Enumerable.Range(0, 4).Select(_ => new AccountAdmin(_dir.AccountsOptions())).ToArray();

        await Task.WhenAll(admins.Select((admin, i) => Task.Run(() =>
        {
            for (var n = 0; n < 5; n++)
            {
                Assert.True(admin.AddUser($"user{i}-{n}", "pw").Succeeded);
            }
        })));

        Assert.Equal(20, _admin.ListUsers().Count);
    }

    [Fact]
    public void BadOptionsAreRefusedWithAMessage()
    {
        Assert.Throws<ArgumentException>(() => new AccountAdmin(_dir.AccountsOptions(o => o.DataDirectory = "")));
        var ex = Assert.Throws<ArgumentException>(() => new AccountAdmin(_dir.AccountsOptions(o => o.PrimaryDomain = "not a domain")));
        Assert.Contains("PrimaryDomain", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AccountAdmin(_dir.AccountsOptions(o => o.Pbkdf2Iterations = 0)));
    }
}

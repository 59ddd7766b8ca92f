using FastMail.Accounts;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Accounts;

/// <summary>A per-user quota in accounts.json over the configured default, set and cleared by the admin.</summary>
public sealed class AccountQuotaTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountAdmin _admin;

    public AccountQuotaTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddUser("alice", "pw");
        _admin.AddUser("bob", "pw");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SetQuotaStoresBytesAndClearRemovesTheKeyFromTheFile()
    {
        var set = _admin.SetQuota("Alice", 100L << 20);
        Assert.True(set.Succeeded, set.Message);
        Assert.Equal("quota of 'alice' set to 104857600 bytes", set.Message);
        Assert.Equal(100L << 20, _admin.Store.Load().Users.Single(u => u.Name == "alice").QuotaBytes);
        Assert.Contains("\"quotaBytes\": 104857600", File.ReadAllText(_dir.AccountsFile), StringComparison.Ordinal);

        var cleared = _admin.SetQuota("alice", null);
        Assert.True(cleared.Succeeded, cleared.Message);
        Assert.Equal("quota of 'alice' cleared (the default applies)", cleared.Message);
        Assert.Null(_admin.Store.Load().Users.Single(u => u.Name == "alice").QuotaBytes);
        Assert.DoesNotContain("quotaBytes", File.ReadAllText(_dir.AccountsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void SetQuotaRefusesNegativeSizesUnknownUsersAndBadNames()
    {
        Assert.Equal(AdminError.InvalidQuota, _admin.SetQuota("alice", -1).Error);
        Assert.Equal(AdminError.UserNotFound, _admin.SetQuota("carol", 10).Error);
        Assert.Equal(AdminError.InvalidUserName, _admin.SetQuota("no body", 10).Error);
        Assert.Null(_admin.Store.Load().Users.Single(u => u.Name == "alice").QuotaBytes);
    }

    [Fact]
    public void TheDirectoryAnswersTheOwnQuotaElseTheDefaultAndZeroMeansUnlimited()
    {
        _admin.SetQuota("alice", 5000);
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.DefaultQuotaBytes = 1000));
        Assert.True(directory.TryFindMailbox("ALICE"u8, out var alice));
        Assert.True(directory.TryFindMailbox("bob"u8, out var bob));

        Assert.Equal(5000, directory.GetQuota(alice));
        Assert.Equal(1000, directory.GetQuota(bob));
        Assert.Equal(0, directory.GetQuota("nobody"));

        // An explicit 0 is unlimited for this user even with a default; without a default every user is unlimited.
        _admin.SetQuota("alice", 0);
        Assert.Equal(0, new AccountDirectory(_dir.AccountsOptions(o => o.DefaultQuotaBytes = 1000)).GetQuota(alice));
        Assert.Equal(0, new AccountDirectory(_dir.AccountsOptions()).GetQuota(bob));
    }

    [Fact]
    public void ARunningDirectoryPicksUpAQuotaChange()
    {
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.DefaultQuotaBytes = 1000), null, time);
        Assert.Equal(1000, directory.GetQuota("alice"));

        _admin.SetQuota("alice", 7);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(7, directory.GetQuota("alice"));

        _admin.SetQuota("alice", null);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, directory.GetQuota("alice"));
    }

    [Fact]
    public void ANegativeQuotaInTheFileOrTheOptionsIsRefused()
    {
        var json = File.ReadAllText(_dir.AccountsFile).Replace("\"name\": \"bob\",", "\"name\": \"bob\", \"quotaBytes\": -5,", StringComparison.Ordinal);
        File.WriteAllText(_dir.AccountsFile, json);
        var error = Assert.Throws<AccountsFileException>(() => new AccountDirectory(_dir.AccountsOptions()));
        Assert.Contains("quotaBytes must not be negative", error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => _dir.AccountsOptions(o => o.DefaultQuotaBytes = -1).Validate());
    }
}

using FastMail.Accounts;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Accounts;

public sealed class AccountDirectoryReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheDirectorySeesAUserAddedByAnotherAdminAfterTheReloadInterval()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromMilliseconds(5)));
        Assert.False(directory.TryFindMailbox("alice"u8, out _));

        var cli = new AccountAdmin(_dir.AccountsOptions()); // what `fastmail user add` does in its own process
        cli.AddUser("alice", "pw");
        await Task.Delay(20);

        Assert.True(directory.TryFindMailbox("alice"u8, out var mailbox));
        Assert.Equal("alice", mailbox);
        Assert.Equal("alice", await directory.AuthenticateAsync("alice"u8.ToArray(), "pw"u8.ToArray(), default));
    }

    [Fact]
    public void ChangesAreNotSeenBeforeTheIntervalAndAreSeenAfterIt()
    {
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromSeconds(1)), null, time);
        var cli = new AccountAdmin(_dir.AccountsOptions());

        cli.AddUser("alice", "pw");
        cli.AddDomain("new.test");
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(directory.TryFindMailbox("alice"u8, out _));

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(directory.TryFindMailbox("alice"u8, out _));
        Assert.True(directory.IsLocalDomain("new.test"u8));
    }

    [Fact]
    public void DeletionsAndDomainRemovalsAreSeen()
    {
        var cli = new AccountAdmin(_dir.AccountsOptions());
        cli.AddUser("alice", "pw");
        cli.AddDomain("old.test");
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(), null, time);
        Assert.True(directory.TryFindMailbox("alice"u8, out _));

        cli.DeleteUser("alice");
        cli.DeleteDomain("old.test");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(directory.TryFindMailbox("alice"u8, out _));
        Assert.False(directory.IsLocalDomain("old.test"u8));
    }

    [Fact]
    public async Task ASameLengthRewriteWithinOneTimestampTickIsStillSeen()
    {
        // A password change keeps the file length; if the file system's mtime tick is coarse, stat alone would miss it.
        var cli = new AccountAdmin(_dir.AccountsOptions());
        cli.AddUser("alice", "first");
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(), null, time);
        var stamp = File.GetLastWriteTimeUtc(_dir.AccountsFile);
        var length = new FileInfo(_dir.AccountsFile).Length;

        cli.SetPassword("alice", "secnd");
        File.SetLastWriteTimeUtc(_dir.AccountsFile, stamp); // same mtime, same length: only the content differs
        Assert.Equal(length, new FileInfo(_dir.AccountsFile).Length);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await directory.AuthenticateAsync("alice"u8.ToArray(), "first"u8.ToArray(), default));
        Assert.Equal("alice", await directory.AuthenticateAsync("alice"u8.ToArray(), "secnd"u8.ToArray(), default));
    }

    [Fact]
    public void TheCanonicalNameInstanceSurvivesAReload()
    {
        var cli = new AccountAdmin(_dir.AccountsOptions());
        cli.AddUser("alice", "pw");
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(), null, time);
        directory.TryFindMailbox("alice"u8, out var before);

        cli.AddUser("bob", "pw");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(directory.TryFindMailbox("bob"u8, out _));
        directory.TryFindMailbox("ALICE"u8, out var after);

        Assert.Same(before, after);
    }

    [Fact]
    public void AFileThatTurnsCorruptKeepsThePreviousAccounts()
    {
        var cli = new AccountAdmin(_dir.AccountsOptions());
        cli.AddUser("alice", "pw");
        var time = new ManualClock();
        var directory = new AccountDirectory(_dir.AccountsOptions(), null, time);

        File.WriteAllText(_dir.AccountsFile, "{ broken");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(directory.TryFindMailbox("alice"u8, out _));
        var ex = Assert.Throws<AccountsFileException>(() => ForceReloadOf(directory));
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReloadIfChangedReportsWhetherSomethingWasLoaded()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromHours(1)));
        var cli = new AccountAdmin(_dir.AccountsOptions());

        cli.AddUser("alice", "pw");

        Assert.True(directory.ReloadIfChanged());
        Assert.True(directory.TryFindMailbox("alice"u8, out _));
    }

    [Fact]
    public void AFileDeletedWhileRunningMeansNoUsers()
    {
        var cli = new AccountAdmin(_dir.AccountsOptions());
        cli.AddUser("alice", "pw");
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromHours(1)));

        File.Delete(_dir.AccountsFile);

        Assert.True(directory.ReloadIfChanged());
        Assert.False(directory.TryFindMailbox("alice"u8, out _));
        Assert.True(directory.IsLocalDomain("example.com"u8));
    }

    private static void ForceReloadOf(AccountDirectory directory)
    {
        // The broken bytes were already seen (and logged) by the lookup; touch the file so the explicit check re-reads it.
        File.AppendAllText(directory.FilePath, " ");
        directory.ReloadIfChanged();
    }
}

using System.Net;
using FastMail.Accounts;
using FastMail.Cli;

namespace FastMail.Tests.Accounts;

/// <summary>The admin role in accounts.json, the CLI that sets it, and the relay settings an admin changes live.</summary>
public sealed class AdminRoleTests : IDisposable
{
    private readonly TempDirectory _dir = new("admin-role");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AdminIsOffByDefaultAndPersistsWhenSet()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        Assert.True(admin.AddUser("alice", "pw").Succeeded);
        Assert.True(admin.AddUser("root", "pw", admin: true).Succeeded);

        var directory = new AccountDirectory(_dir.AccountsOptions());
        Assert.False(directory.IsAdmin("alice"));
        Assert.True(directory.IsAdmin("root"));
        Assert.False(directory.IsAdmin("nobody"));

        Assert.Equal("'alice' is now an admin", admin.SetAdmin("Alice", true).Message);
        Assert.Equal("'root' is no longer an admin", admin.SetAdmin("root", false).Message);
        Assert.True(directory.ReloadIfChanged());
        Assert.True(directory.IsAdmin("alice"));
        Assert.False(directory.IsAdmin("root"));
        Assert.Equal([new UserSummary("alice", false, true, null), new UserSummary("root", false, false, null)], admin.ListUsers());
        Assert.Equal(AdminError.UserNotFound, admin.SetAdmin("nobody", true).Error);
    }

    [Fact]
    public void AFileWithoutTheAdminFieldLoadsAndOnlyAdminsGetItWritten()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        admin.AddUser("alice", "pw");
        var json = File.ReadAllText(admin.Store.FilePath);
        Assert.DoesNotContain("admin", json, StringComparison.Ordinal);

        admin.SetAdmin("alice", true);
        Assert.Contains("\"admin\": true", File.ReadAllText(admin.Store.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void IsAdminAllocatesNothing()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        admin.AddUser("root", "pw", admin: true);
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromHours(1)));
        Assert.True(directory.IsAdmin("root"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var all = true;
        for (var i = 0; i < 1000; i++)
        {
            all &= directory.IsAdmin("root");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(all);
    }

    [Fact]
    public void UserAddAdminAndUserAdminOnOffFromTheCommandLine()
    {
        Assert.Equal(0, Run("user", "add", "root", "--admin", "--password", "pw"));
        Assert.Equal(0, Run("user", "add", "alice", "--password", "pw"));
        Assert.Equal(0, Run("user", "admin", "alice", "on"));
        Assert.Equal(0, Run("user", "admin", "root", "off"));
        Assert.Equal(1, Run("user", "admin", "nobody", "on"));
        Assert.Throws<UsageException>(() => Run("user", "admin", "alice", "maybe"));

        var users = new AccountAdmin(_dir.AccountsOptions()).ListUsers();
        Assert.True(users.Single(u => u.Name == "alice").IsAdmin);
        Assert.False(users.Single(u => u.Name == "root").IsAdmin);
    }

    [Fact]
    public void RelaySettingsChangeMayRelayAtOnce()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());
        var client = IPAddress.Parse("192.168.1.9");
        Assert.False(directory.MayRelay(client, null));

        directory.SetRelay(RelaySettings.Create(allowRelay: true, ["192.168.1.0/24", " ::1 ", ""]));
        Assert.True(directory.MayRelay(client, null));
        Assert.True(directory.MayRelay(IPAddress.IPv6Loopback, null));
        Assert.Equal(["192.168.1.0/24", "::1"], directory.Relay.TrustedNetworks);

        directory.SetRelay(RelaySettings.Create(allowRelay: false, directory.Relay.TrustedNetworks));
        Assert.False(directory.MayRelay(client, null));
        Assert.True(directory.MayRelay(client, "alice"));
    }

    [Fact]
    public void ABadTrustedNetworkIsRefusedWithItsName()
    {
        Assert.False(RelaySettings.TryCreate(true, ["10.0.0.0/8", "10.0.0/33"], out var settings, out var error));
        Assert.Null(settings);
        Assert.Contains("'10.0.0/33'", error, StringComparison.Ordinal);
    }

    private int Run(params string[] words)
    {
        var args = Arguments.Parse([.. words, "--data-dir", _dir.Path, "--set", "primaryDomain=" + AccountsTestDirectory.Domain, "--set", "accounts.pbkdf2Iterations=4096"]);
        return UserCommand.Run(args);
    }
}

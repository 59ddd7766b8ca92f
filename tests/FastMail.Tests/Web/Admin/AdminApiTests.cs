using System.Net;
using System.Text.Json;
using FastMail.Configuration;
using FastMail.Relay.Queue;
using FastMail.Web.Admin;
using static FastMail.Tests.Web.Admin.AdminApiHarness;

namespace FastMail.Tests.Web.Admin;

/// <summary>The admin API handlers as plain functions: users, domains, aliases, relay, queue, status.</summary>
public sealed class AdminApiTests : IDisposable
{
    private readonly AdminApiHarness _host = new();

    public void Dispose() => _host.Dispose();

    private AdminApi Api => _host.Api;

    [Fact]
    public async Task UsersAreListedWithQuotaUsageAndRoleAndCanBeAddedAndDeleted()
    {
        Assert.Equal(200, (await Call(Api.AddUser, """{"name":"Alice","password":"pw"}""")).Status);
        _host.Store.Add("alice", "Subject: x\r\n\r\nhello\r\n");
        Assert.Equal(200, (await Call(Api.SetQuota, """{"quotaBytes":1048576}""", Name("alice"))).Status);
        _host.Directory.ReloadIfChanged();

        var (status, users) = await Call(Api.ListUsers);
        Assert.Equal(200, status);
        Assert.Equal(2, users.GetArrayLength());
        var alice = users[0];
        Assert.Equal("alice", alice.GetProperty("name").GetString());
        Assert.False(alice.GetProperty("admin").GetBoolean());
        Assert.Equal(1048576, alice.GetProperty("quotaBytes").GetInt64());
        Assert.Equal(1048576, alice.GetProperty("effectiveQuotaBytes").GetInt64());
        Assert.Equal(_host.Store.GetMailboxUsage("alice"), alice.GetProperty("usedBytes").GetInt64());
        Assert.True(users[1].GetProperty("admin").GetBoolean());

        var (conflict, outcome) = await Call(Api.AddUser, """{"name":"alice","password":"pw"}""");
        Assert.Equal(409, conflict);
        Assert.Equal("user 'alice' already exists", outcome.GetProperty("message").GetString());
        Assert.Equal("UserExists", outcome.GetProperty("error").GetString());

        Assert.Equal(200, (await Call(Api.DeleteUser, route: Name("alice"))).Status);
        Assert.Equal(404, (await Call(Api.DeleteUser, route: Name("alice"))).Status);
    }

    [Fact]
    public async Task PasswordResetAdminRoleAndBadBodies()
    {
        await Call(Api.AddUser, """{"name":"bob","password":"old","admin":true}""");
        Assert.Equal(200, (await Call(Api.SetPassword, """{"password":"new"}""", Name("bob"))).Status);
        _host.Directory.ReloadIfChanged();
        Assert.Equal("bob", await _host.Directory.AuthenticateAsync("bob"u8.ToArray(), "new"u8.ToArray(), default));
        Assert.True(_host.Directory.IsAdmin("bob"));

        Assert.Equal(200, (await Call(Api.SetAdmin, """{"admin":false}""", Name("bob"))).Status);
        _host.Directory.ReloadIfChanged();
        Assert.False(_host.Directory.IsAdmin("bob"));

        Assert.Equal(400, (await Call(Api.AddUser, "not json")).Status);
        Assert.Equal(400, (await Call(Api.AddUser, """{"name":"x"}""")).Status);
        Assert.Equal(400, (await Call(Api.AddUser, """{"name":"bad name","password":"pw"}""")).Status);
        Assert.Equal(400, (await Call(Api.SetQuota, """{"quotaBytes":-1}""", Name("bob"))).Status);
        Assert.Equal(404, (await Call(Api.SetPassword, """{"password":"x"}""", Name("nobody"))).Status);
    }

    [Fact]
    public async Task AnAdminCannotDeleteOrDemoteThemselves()
    {
        Assert.Equal(409, (await Call(Api.DeleteUser, route: Name("ROOT"))).Status);
        Assert.Equal(409, (await Call(Api.SetAdmin, """{"admin":false}""", Name("root"))).Status);
        _host.Directory.ReloadIfChanged();
        Assert.True(_host.Directory.IsAdmin("root"));
    }

    [Fact]
    public async Task DomainsAndAliasesRoundTrip()
    {
        Assert.Equal(200, (await Call(Api.AddDomain, """{"domain":"example.org"}""")).Status);
        Assert.Equal(409, (await Call(Api.AddDomain, """{"domain":"example.org"}""")).Status);
        var (_, domains) = await Call(Api.ListDomains);
        Assert.Equal(["example.com", "example.org"], domains.EnumerateArray().Select(d => d.GetString()));

        Assert.Equal(200, (await Call(Api.AddAlias, """{"address":"info@example.org","targets":["root","carol@remote.test"]}""")).Status);
        var (unknown, refusal) = await Call(Api.AddAlias, """{"address":"info@example.org","targets":["nobody"]}""");
        Assert.Equal(409, unknown); // the accounts as they are refuse it (AdminError.InUse), not its syntax
        Assert.Contains("'nobody' is not a user", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await Call(Api.AddAlias, """{"address":"info","targets":["root"]}""")).Status);
        var (_, aliases) = await Call(Api.ListAliases);
        Assert.Equal("info@example.org", aliases[0].GetProperty("address").GetString());
        Assert.Equal(["root", "carol@remote.test"], aliases[0].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));

        Assert.Equal(409, (await Call(Api.DeleteDomain, route: [("domain", "example.org")])).Status);
        Assert.Equal(200, (await Call(Api.RemoveAlias, query: "address=info@example.org&target=carol@remote.test")).Status);
        Assert.Equal(200, (await Call(Api.RemoveAlias, query: "address=info@example.org")).Status);
        Assert.Equal(404, (await Call(Api.RemoveAlias, query: "address=info@example.org")).Status);
        Assert.Equal(200, (await Call(Api.DeleteDomain, route: [("domain", "example.org")])).Status);
        Assert.Equal(409, (await Call(Api.DeleteDomain, route: [("domain", "example.com")])).Status);
    }

    [Fact]
    public async Task RelayChangesApplyAtOnceAndLiveOnlyIsSaid()
    {
        var client = IPAddress.Parse("10.1.2.3");
        var (_, before) = await Call(Api.GetRelay);
        Assert.False(before.GetProperty("allowRelay").GetBoolean());
        Assert.False(before.GetProperty("persistent").GetBoolean());
        Assert.StartsWith("Live only", before.GetProperty("storage").GetString(), StringComparison.Ordinal);

        var (status, after) = await Call(Api.SetRelay, """{"allowRelay":true,"trustedNetworks":["10.0.0.0/8"]}""");
        Assert.Equal(200, status);
        Assert.True(after.GetProperty("allowRelay").GetBoolean());
        Assert.True(_host.Directory.MayRelay(client, null));

        var (bad, outcome) = await Call(Api.SetRelay, """{"allowRelay":true,"trustedNetworks":["10.0.0.0/99"]}""");
        Assert.Equal(400, bad);
        Assert.Contains("10.0.0.0/99", outcome.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(_host.Directory.MayRelay(client, null));

        await Call(Api.SetRelay, """{"allowRelay":false,"trustedNetworks":["10.0.0.0/8"]}""");
        Assert.False(_host.Directory.MayRelay(client, null));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RelayChangesAreWrittenToTheConfigFileTheLoaderReads()
    {
        var path = Path.Combine(_host.DataDirectory, "fastmail.json");
        File.WriteAllText(path, """{ "primaryDomain": "example.com", "relay.allowRelay": false, "smtp": { "maxMessageSize": "10m" } }""");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var host = new AdminApiHarness(new JsonConfigRelaySettingsStore(path));

        var (status, state) = await Call(host.Api.SetRelay, """{"allowRelay":true,"trustedNetworks":["192.168.1.0/24","::1/128"]}""");
        Assert.Equal(200, status);
        Assert.True(state.GetProperty("persistent").GetBoolean());

        var values = ConfigLoader.Load(path, [], _ => null);
        Assert.Equal("true", values.Get(ConfigKeys.AllowRelay));
        Assert.Equal("192.168.1.0/24,::1/128", values.Get(ConfigKeys.TrustedNetworks));
        Assert.Equal("10m", values.Get(ConfigKeys.SmtpMaxMessageSize));
        Assert.Equal("file " + path, values.SourceOf(ConfigKeys.AllowRelay));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void AnExistingRelaySectionIsUpdatedInPlace()
    {
        var path = Path.Combine(_host.DataDirectory, "nested.json");
        File.WriteAllText(path, """{ "relay": { "allowRelay": false, "trustedNetworks": "127.0.0.0/8" }, "relay.allowRelay": false }""");

        new JsonConfigRelaySettingsStore(path).Save(FastMail.Accounts.RelaySettings.Create(true, ["10.0.0.0/8"]));

        var values = ConfigLoader.Load(path, [], _ => null);
        Assert.Equal("true", values.Get(ConfigKeys.AllowRelay));
        Assert.Equal("10.0.0.0/8", values.Get(ConfigKeys.TrustedNetworks));
        Assert.DoesNotContain("relay.allowRelay", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfigFileThatCannotBeWrittenLeavesTheRelayUnchanged()
    {
        var path = Path.Combine(_host.DataDirectory, "broken.json");
        File.WriteAllText(path, "{ not json");
        using var host = new AdminApiHarness(new JsonConfigRelaySettingsStore(path));

        var (status, outcome) = await Call(host.Api.SetRelay, """{"allowRelay":true,"trustedNetworks":["10.0.0.0/8"]}""");
        Assert.Equal(500, status);
        Assert.StartsWith("not saved, nothing changed", outcome.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(host.Directory.Relay.AllowRelay);
    }

    [Fact]
    public async Task TheQueueIsListedRetriedAndDeleted()
    {
        _host.Queue.Messages.Add(new QueuedMessageInfo(42, "a@example.com", 1234, DateTimeOffset.UnixEpoch,
            [new QueuedRecipientInfo("x@remote.test", QueuedRecipientState.Pending, 2, DateTimeOffset.UnixEpoch.AddHours(1), "451 try later")]));

        var (_, queue) = await Call(_host.Api.ListQueue);
        Assert.True(queue.GetProperty("available").GetBoolean());
        var message = queue.GetProperty("messages")[0];
        Assert.Equal(42, message.GetProperty("id").GetInt64());
        Assert.Equal("Pending", message.GetProperty("recipients")[0].GetProperty("state").GetString());
        Assert.Equal("451 try later", message.GetProperty("recipients")[0].GetProperty("lastReply").GetString());

        Assert.Equal(200, (await Call(Api.RetryQueue, "", [("id", "42")])).Status);
        Assert.Equal(404, (await Call(Api.RetryQueue, "", [("id", "7")])).Status);
        Assert.Equal(200, (await Call(Api.RetryQueue, "")).Status);
        Assert.Equal([42, 7, null], _host.Queue.Retried);
        Assert.Equal(400, (await Call(Api.DeleteQueued, route: [("id", "x")])).Status);
        Assert.Equal(200, (await Call(Api.DeleteQueued, route: [("id", "42")])).Status);
        Assert.Equal(404, (await Call(Api.DeleteQueued, route: [("id", "42")])).Status);
    }

    [Fact]
    public async Task WithoutAQueueThePageIsToldSo()
    {
        using var host = new AdminApiHarness(withQueue: false);
        var (_, queue) = await Call(host.Api.ListQueue);
        Assert.False(queue.GetProperty("available").GetBoolean());
        Assert.Equal(404, (await Call(host.Api.RetryQueue, "")).Status);
    }

    [Fact]
    public async Task StatusIsTheHostsNumbers()
    {
        var (_, status) = await Call(Api.GetStatus);
        Assert.Equal(3, status.GetProperty("listeners")[0].GetProperty("connections").GetInt32());
        Assert.Equal("pop3", status.GetProperty("listeners")[1].GetProperty("protocol").GetString());
        Assert.Equal(12.5, status.GetProperty("messagesPerMinute").GetDouble());
        Assert.Equal(1 << 20, status.GetProperty("storageUsedBytes").GetInt64());
        Assert.Equal(JsonValueKind.Undefined, status.TryGetProperty("storageFreeBytes", out var free) ? free.ValueKind : JsonValueKind.Undefined);
    }
}

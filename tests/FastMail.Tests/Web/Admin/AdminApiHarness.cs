using System.Text;
using System.Text.Json;
using FastMail.Accounts;
using FastMail.Tests.Accounts;
using FastMail.Tests.Hosting.Admin;
using FastMail.Tests.TestKit;
using FastMail.Web.Admin;
using Microsoft.AspNetCore.Http;

namespace FastMail.Tests.Web.Admin;

/// <summary>The admin handlers over a real accounts directory, an in-memory store, a fake queue and status; called as plain functions.</summary>
internal sealed class AdminApiHarness : IDisposable
{
    private readonly TempDirectory _dir = new("web-admin");

    public AdminApiHarness(IRelaySettingsStore? relayStore = null, bool withQueue = true)
    {
        Options = _dir.AccountsOptions();
        Accounts = new AccountAdmin(Options);
        Directory = new AccountDirectory(Options);
        Accounts.AddUser("root", "pw", admin: true);
        Api = new AdminApi(new AdminServices(Accounts, Directory, Store, withQueue ? Queue : null, Status, relayStore ?? new LiveOnlyRelaySettingsStore()));
    }

    public AccountsOptions Options { get; }

    public AccountAdmin Accounts { get; }

    public AccountDirectory Directory { get; }

    public InMemoryMailStore Store { get; } = new();

    public FakeQueueAdmin Queue { get; } = new();

    public FakeStatus Status { get; } = new();

    public AdminApi Api { get; }

    public string DataDirectory => _dir.Path;

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs <paramref name="handler"/> as root with an optional JSON body, route values and query; returns status and body.</summary>
    public static async Task<(int Status, JsonElement Body)> Call(
        RequestDelegate handler, string? body = null, (string Key, string Value)[]? route = null, string? query = null, string actor = "root")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = body is null ? "GET" : "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        context.Request.ContentType = "application/json";
        if (query is not null)
        {
            context.Request.QueryString = new QueryString("?" + query);
        }

        foreach (var (key, value) in route ?? [])
        {
            context.Request.RouteValues[key] = value;
        }

        context.Items[AdminApi.ActorKey] = actor;
        var response = new MemoryStream();
        context.Response.Body = response;
        await handler(context);
        var text = Encoding.UTF8.GetString(response.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static (string, string)[] Name(string name) => [("name", name)];

    internal sealed class FakeStatus : IServerStatus
    {
        public ServerStatus Current { get; set; } = new([new ListenerStatus("smtp", "0.0.0.0:25", 3), new ListenerStatus("pop3", "0.0.0.0:110", 1)], 12.5, 1 << 20, null, TimeSpan.FromMinutes(5));

        public ServerStatus GetStatus() => Current;
    }
}

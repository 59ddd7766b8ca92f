using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastMail.Accounts;
using FastMail.Relay.Queue;
using Microsoft.AspNetCore.Http;

namespace FastMail.Web.Admin;

/// <summary>
/// The admin API handlers, one method per endpoint, each a plain <see cref="RequestDelegate"/>: JSON in and out through
/// <see cref="AdminJsonContext"/> (no reflection, no request-delegate generator needed). <see cref="AdminEndpoints.Map"/>
/// routes them behind the admin check; tests call them with a <see cref="DefaultHttpContext"/>.
/// Every change answers <see cref="AdminOutcome"/>: 200, or 400 (invalid), 404 (no such thing), 409 (conflict).
/// </summary>
public sealed class AdminApi(AdminServices services)
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the acting admin's account name (set by the admin check).</summary>
    public const string ActorKey = "FastMail.Web.Admin.Actor";

    private static readonly AdminJsonContext Json = AdminJsonContext.Default;

    public AdminServices Services { get; } = services;

    public Task ListUsers(HttpContext context)
    {
        var users = Services.Accounts.ListUsers()
            .Select(user => new AdminUser(
                user.Name,
                user.IsAdmin,
                user.HasApopSecret,
                user.QuotaBytes,
                Services.Directory.GetQuota(user.Name),
                Services.Store.GetMailboxUsage(user.Name)))
            .ToArray();
        return Write(context, users, Json.AdminUserArray);
    }

    public async Task AddUser(HttpContext context)
    {
        if (await Read(context, Json.AddUserRequest) is not { Name: { } name, Password: { } password } request)
        {
            await BadRequest(context, "give name and password");
            return;
        }

        await Outcome(context, Services.Accounts.AddUser(name, password, request.Admin));
    }

    public async Task DeleteUser(HttpContext context)
    {
        var name = Route(context, "name");
        if (IsActor(context, name))
        {
            await Conflict(context, "you cannot delete your own account while logged in with it");
            return;
        }

        await Outcome(context, Services.Accounts.DeleteUser(name));
    }

    public async Task SetPassword(HttpContext context)
    {
        if (await Read(context, Json.PasswordRequest) is not { Password: { } password })
        {
            await BadRequest(context, "give password");
            return;
        }

        await Outcome(context, Services.Accounts.SetPassword(Route(context, "name"), password));
    }

    public async Task SetQuota(HttpContext context)
    {
        if (await Read(context, Json.QuotaRequest) is not { } request)
        {
            await BadRequest(context, "give quotaBytes (a number of bytes, 0 for unlimited, null for the default)");
            return;
        }

        await Outcome(context, Services.Accounts.SetQuota(Route(context, "name"), request.QuotaBytes));
    }

    public async Task SetAdmin(HttpContext context)
    {
        if (await Read(context, Json.AdminFlagRequest) is not { } request)
        {
            await BadRequest(context, "give admin (true or false)");
            return;
        }

        var name = Route(context, "name");
        if (!request.Admin && IsActor(context, name))
        {
            // Someone must stay able to administer; the CLI (`fastmail user admin NAME off`) can still do it.
            await Conflict(context, "you cannot take the admin role from yourself");
            return;
        }

        await Outcome(context, Services.Accounts.SetAdmin(name, request.Admin));
    }

    public Task ListDomains(HttpContext context) => Write(context, Services.Accounts.ListDomains().ToArray(), Json.StringArray);

    public async Task AddDomain(HttpContext context)
    {
        if (await Read(context, Json.DomainRequest) is not { Domain: { } domain })
        {
            await BadRequest(context, "give domain");
            return;
        }

        await Outcome(context, Services.Accounts.AddDomain(domain));
    }

    public Task DeleteDomain(HttpContext context) => Outcome(context, Services.Accounts.DeleteDomain(Route(context, "domain")));

    public Task ListAliases(HttpContext context) =>
        Write(context, Services.Accounts.ListAliases().Select(alias => new AdminAlias(alias.Address, alias.Targets)).ToArray(), Json.AdminAliasArray);

    public async Task AddAlias(HttpContext context)
    {
        if (await Read(context, Json.AliasRequest) is not { Address: { } address, Targets: { } targets })
        {
            await BadRequest(context, "give address and targets");
            return;
        }

        await Outcome(context, Services.Accounts.AddAlias(address, targets));
    }

    /// <summary>DELETE /api/admin/aliases?address=A[&amp;target=T]: the whole alias, or one target.</summary>
    public Task RemoveAlias(HttpContext context)
    {
        var address = context.Request.Query["address"].ToString();
        var target = context.Request.Query["target"].ToString();
        return address.Length == 0
            ? BadRequest(context, "give address")
            : Outcome(context, Services.Accounts.RemoveAlias(address, target.Length == 0 ? null : target));
    }

    public Task GetRelay(HttpContext context) => Write(context, RelayState(), Json.RelayState);

    /// <summary>Checks, persists (when the store can), then applies at once; a refused or unsaved change is not applied.</summary>
    public async Task SetRelay(HttpContext context)
    {
        if (await Read(context, Json.RelayRequest) is not { } request)
        {
            await BadRequest(context, "give allowRelay and trustedNetworks");
            return;
        }

        if (!RelaySettings.TryCreate(request.AllowRelay, request.TrustedNetworks ?? [], out var settings, out var error))
        {
            await BadRequest(context, error!);
            return;
        }

        try
        {
            Services.RelayStore.Save(settings!);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await Write(context, new AdminOutcome(false, $"not saved, nothing changed: {exception.Message}", "SaveFailed"), Json.AdminOutcome, StatusCodes.Status500InternalServerError);
            return;
        }

        Services.Directory.SetRelay(settings!);
        await Write(context, RelayState(), Json.RelayState);
    }

    public Task ListQueue(HttpContext context)
    {
        if (Services.Queue is not { } queue)
        {
            return Write(context, new QueueState(false, []), Json.QueueState);
        }

        var messages = queue.List().Select(ToWire).ToArray();
        return Write(context, new QueueState(true, messages), Json.QueueState);
    }

    /// <summary>POST /api/admin/queue/{id}/retry, or POST /api/admin/queue/retry for every message.</summary>
    public Task RetryQueue(HttpContext context)
    {
        if (Services.Queue is not { } queue)
        {
            return NotFound(context, "this server has no outbound queue");
        }

        long? id = null;
        if (context.Request.RouteValues.ContainsKey("id"))
        {
            if (!long.TryParse(Route(context, "id"), out var parsed))
            {
                return BadRequest(context, "the id is a number");
            }

            id = parsed;
        }

        var count = queue.RetryNow(id);
        return id is not null && count == 0
            ? NotFound(context, $"no queued message {id}")
            : Write(context, new AdminOutcome(true, count == 1 ? "1 message will be tried now" : $"{count} messages will be tried now"), Json.AdminOutcome);
    }

    public async Task DeleteQueued(HttpContext context)
    {
        if (Services.Queue is not { } queue)
        {
            await NotFound(context, "this server has no outbound queue");
            return;
        }

        if (!long.TryParse(Route(context, "id"), out var id))
        {
            await BadRequest(context, "the id is a number");
            return;
        }

        if (await queue.DeleteAsync(id, context.RequestAborted))
        {
            await Write(context, new AdminOutcome(true, $"message {id} removed from the queue (no bounce sent)"), Json.AdminOutcome);
        }
        else
        {
            await NotFound(context, $"no queued message {id}");
        }
    }

    public Task GetStatus(HttpContext context) => Write(context, Services.Status.GetStatus(), Json.ServerStatus);

    private RelayState RelayState()
    {
        var relay = Services.Directory.Relay;
        return new RelayState(relay.AllowRelay, relay.TrustedNetworks, Services.RelayStore.IsPersistent, Services.RelayStore.Description);
    }

    private static QueueMessage ToWire(QueuedMessageInfo message) => new(
        message.Id,
        message.Sender,
        message.Size,
        message.Arrived,
        message.Recipients.Select(r => new QueueRecipient(r.Address, r.State.ToString(), r.Attempts, r.NextAttempt, r.LastReply)).ToArray());

    private static bool IsActor(HttpContext context, string name) =>
        context.Items.TryGetValue(ActorKey, out var actor) && actor is string account
        && AccountNames.TryNormalizeAccountName(name, out var normalized) && string.Equals(normalized, account, StringComparison.OrdinalIgnoreCase);

    private static string Route(HttpContext context, string key) => context.Request.RouteValues[key]?.ToString() ?? "";

    private static async Task<T?> Read<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static Task Write<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(value, type, contentType: null, context.RequestAborted);
    }

    private Task Outcome(HttpContext context, AdminResult result)
    {
        if (result.Succeeded)
        {
            // The change is in accounts.json; the directory would see it within its reload interval (1 s). Reloading
            // now means a user just added can log in at once, and a removed one cannot.
            Services.Directory.ReloadIfChanged();
        }

        var status = result.Error switch
        {
            AdminError.None => StatusCodes.Status200OK,
            AdminError.UserNotFound or AdminError.DomainNotFound or AdminError.AliasNotFound or AdminError.AliasTargetNotFound => StatusCodes.Status404NotFound,
            AdminError.UserExists or AdminError.DomainExists or AdminError.AliasTargetExists or AdminError.InUse or AdminError.PrimaryDomain => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        var error = result.Succeeded ? null : result.Error.ToString();
        return Write(context, new AdminOutcome(result.Succeeded, result.Message, error), Json.AdminOutcome, status);
    }

    private static Task BadRequest(HttpContext context, string message) =>
        Write(context, new AdminOutcome(false, message, "BadRequest"), Json.AdminOutcome, StatusCodes.Status400BadRequest);

    private static Task NotFound(HttpContext context, string message) =>
        Write(context, new AdminOutcome(false, message, "NotFound"), Json.AdminOutcome, StatusCodes.Status404NotFound);

    private static Task Conflict(HttpContext context, string message) =>
        Write(context, new AdminOutcome(false, message, "Conflict"), Json.AdminOutcome, StatusCodes.Status409Conflict);
}

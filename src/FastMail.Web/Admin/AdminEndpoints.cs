using FastMail.Accounts;
using FastMail.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FastMail.Web.Admin;

/// <summary>
/// The web administration: the page (/admin, served from /static/admin.html) and the JSON API under /api/admin, every
/// endpoint <c>.RequireAdmin()</c>. Each handler checks the session's admin flag again (defence in depth), so a route
/// mapped without the convention still answers 403 to anyone but an admin.
/// </summary>
/// <remarks>
/// API: GET users; POST users {name,password,admin}; DELETE users/{name}; PUT users/{name}/password {password};
/// PUT users/{name}/quota {quotaBytes}; PUT users/{name}/admin {admin}; GET domains; POST domains {domain};
/// DELETE domains/{domain}; GET aliases; POST aliases {address,targets}; DELETE aliases?address=A[&amp;target=T];
/// GET relay; PUT relay {allowRelay,trustedNetworks}; GET queue; POST queue/retry; POST queue/{id}/retry;
/// DELETE queue/{id}; GET status; GET transcripts?protocol=smtp|pop3 (text/event-stream).
/// </remarks>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app, AdminServices services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        var api = new AdminApi(services);

        // The page: its script and style come from /static (CSP default-src 'self', no inline script).
        app.MapGet("/admin", (RequestDelegate)(context =>
        {
            context.Response.Redirect("/static/admin.html");
            return Task.CompletedTask;
        })).RequireAdmin();

        var group = app.MapGroup("/api/admin").RequireAdmin();
        group.MapGet("/users", Guard(services, api.ListUsers));
        group.MapPost("/users", Guard(services, api.AddUser));
        group.MapDelete("/users/{name}", Guard(services, api.DeleteUser));
        group.MapPut("/users/{name}/password", Guard(services, api.SetPassword));
        group.MapPut("/users/{name}/quota", Guard(services, api.SetQuota));
        group.MapPut("/users/{name}/admin", Guard(services, api.SetAdmin));
        group.MapGet("/domains", Guard(services, api.ListDomains));
        group.MapPost("/domains", Guard(services, api.AddDomain));
        group.MapDelete("/domains/{domain}", Guard(services, api.DeleteDomain));
        group.MapGet("/aliases", Guard(services, api.ListAliases));
        group.MapPost("/aliases", Guard(services, api.AddAlias));
        group.MapDelete("/aliases", Guard(services, api.RemoveAlias));
        group.MapGet("/relay", Guard(services, api.GetRelay));
        group.MapPut("/relay", Guard(services, api.SetRelay));
        group.MapGet("/queue", Guard(services, api.ListQueue));
        group.MapPost("/queue/retry", Guard(services, api.RetryQueue));
        group.MapPost("/queue/{id}/retry", Guard(services, api.RetryQueue));
        group.MapDelete("/queue/{id}", Guard(services, api.DeleteQueued));
        group.MapGet("/status", Guard(services, api.GetStatus));
        group.MapGet("/transcripts", Guard(services, AdminTranscripts.Stream));
    }

    /// <summary>
    /// 403 unless the session is an admin's, checked against the live accounts (a role taken away counts at once, not
    /// at the next login); records the acting account for self-protection; an unreadable accounts file is a 503.
    /// </summary>
    internal static RequestDelegate Guard(AdminServices services, RequestDelegate handler) => async context =>
    {
        if (context.GetWebSession() is not { IsAdmin: true } session || !services.Directory.IsAdmin(session.Mailbox))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        context.Items[AdminApi.ActorKey] = session.Mailbox;
        try
        {
            await handler(context);
        }
        catch (AccountsFileException exception)
        {
            if (!context.Response.HasStarted)
            {
                await AdminApi.Write(context, new AdminOutcome(false, exception.Message, "AccountsFile"), AdminJsonContext.Default.AdminOutcome, StatusCodes.Status503ServiceUnavailable);
            }
        }
    };
}

// THROWAWAY stand-ins for the web helper's FastMail.Web.Security (branch `web`): drop this file at merge.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastMail.Web.Security;

/// <summary>Stand-in: the logged-in browser session.</summary>
public sealed record WebSession(string User, string Mailbox, bool IsAdmin, string CsrfToken);

/// <summary>Stand-in for the web helper's session and endpoint conventions.</summary>
public static class WebSessionStandIn
{
    private const string Key = "FastMail.Web.Security.WebSession";

    public static WebSession? GetWebSession(this HttpContext context) =>
        context.Items.TryGetValue(Key, out var session) ? session as WebSession : null;

    public static TBuilder RequireUser<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder;

    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder;
}

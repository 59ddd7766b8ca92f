using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FastMail.Web.Security;

/// <summary>
/// The rules every request passes: security headers on every response, the session from the fm_session cookie, the
/// CSRF check on every non-GET request (header X-CSRF-Token or form field csrf, equal to the session's token; a
/// cross-origin Origin is refused too), then after routing the RequireUser/RequireAdmin metadata.
/// </summary>
internal static class WebSecurityMiddleware
{
    public const string CookieName = "fm_session";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfField = "csrf";

    /// <summary>The app's pages: scripts and styles from files of this origin only (no inline script), the message frame from this origin.</summary>
    public const string AppPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void UseWebSecurity(this WebApplication app, WebSessionStore sessions)
    {
        app.Use((context, next) => BeforeRoutingAsync(context, next, sessions));
        app.UseRouting();
        app.Use(AfterRoutingAsync);
    }

    /// <summary>Overwrites the default headers for a response that is framed by the app (the sandboxed message body).</summary>
    public static void AllowSameOriginFraming(HttpResponse response, string contentSecurityPolicy)
    {
        response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
        response.Headers.XFrameOptions = "SAMEORIGIN";
    }

    private static async Task BeforeRoutingAsync(HttpContext context, RequestDelegate next, WebSessionStore sessions)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = AppPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";

        var session = sessions.Find(context.Request.Cookies[CookieName]);
        if (session is not null)
        {
            context.Items[WebSessionExtensions.ItemKey] = session;
        }

        if (!IsSafe(context.Request.Method))
        {
            if (!SameOrigin(context.Request))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "cross-origin request refused");
                return;
            }

            if (session is not null && !await CsrfMatchesAsync(context, session))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "missing or wrong CSRF token");
                return;
            }
        }

        await next(context);
    }

    private static Task AfterRoutingAsync(HttpContext context, RequestDelegate next)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequireUserMetadata>() is null)
        {
            return next(context);
        }

        var session = context.GetWebSession();
        if (session is null)
        {
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || !IsSafe(context.Request.Method))
            {
                return RefuseAsync(context, StatusCodes.Status401Unauthorized, "login required");
            }

            context.Response.Redirect("/login");
            return Task.CompletedTask;
        }

        if (metadata.GetMetadata<RequireAdminMetadata>() is not null && !session.IsAdmin)
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden, "admin only");
        }

        return next(context);
    }

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>A browser sends Origin on every cross-site POST; when present it must name this host (login CSRF has no token to check).</summary>
    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin))
        {
            return true;
        }

        return Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<bool> CsrfMatchesAsync(HttpContext context, WebSession session)
    {
        string? token = context.Request.Headers[CsrfHeader];
        if (string.IsNullOrEmpty(token) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            token = form[CsrfField];
        }

        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(session.CsrfToken));
    }

    internal static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message), WebJsonContext.Default.ErrorResponse);
    }
}

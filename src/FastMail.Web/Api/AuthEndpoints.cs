using System.Text.Json;
using FastMail.Core.Services;
using FastMail.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FastMail.Web.Api;

/// <summary>Login, logout, the current session, and changing one's own password.</summary>
internal static class AuthEndpoints
{
    private const int MaxNameLength = 320;
    private const int MaxPasswordLength = 1024;

    public static void Map(WebApplication app, WebState state)
    {
        app.MapPost("/api/login", (RequestDelegate)(context => LoginAsync(context, state)));
        app.MapPost("/api/logout", (RequestDelegate)(context => LogoutAsync(context, state)));
        app.MapGet("/api/session", (RequestDelegate)(context => SessionAsync(context, state))).RequireUser();
        app.MapPost("/api/password", (RequestDelegate)(context => ChangePasswordAsync(context, state))).RequireUser();
    }

    private static async Task LoginAsync(HttpContext context, WebState state)
    {
        var request = await ReadJsonAsync(context, WebJsonContext.Default.LoginRequest);
        var user = request?.User?.Trim() ?? "";
        var password = request?.Password ?? "";
        if (user.Length == 0 || user.Length > MaxNameLength || password.Length > MaxPasswordLength || user.AsSpan().ContainsAny('\r', '\n'))
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status401Unauthorized, "wrong user name or password");
            return;
        }

        var mailbox = await CheckPasswordAsync(context, state, user, password);
        if (mailbox is null)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status401Unauthorized, "wrong user name or password");
            return;
        }

        var name = user.ToLowerInvariant();
        state.Sessions.Remove(context.Request.Cookies[WebSecurityMiddleware.CookieName]);
        var (id, session) = state.Sessions.Create(name, mailbox, state.Services.Accounts.IsAdmin(name));
        context.Response.Cookies.Append(WebSecurityMiddleware.CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        context.Items[WebSessionExtensions.ItemKey] = session;
        WebLog.LoggedIn(state.Logger, name, context.Connection.RemoteIpAddress);
        await WriteSessionAsync(context, state, session);
    }

    /// <summary>The same gate as SMTP AUTH and POP3 PASS: the throttle admits the attempt (per client address and account) before the password is checked.</summary>
    internal static async Task<string?> CheckPasswordAsync(HttpContext context, WebState state, string user, string password)
    {
        var throttle = state.Services.Throttle;
        var attempt = LoginAttempt.Unthrottled;
        string? mailbox = null;
        if (throttle is not null)
        {
            attempt = await throttle.BeginAsync(context.Connection.RemoteIpAddress, user, context.RequestAborted);
            if (!attempt.Admitted)
            {
                WebLog.LoginLockedOut(state.Logger, context.Connection.RemoteIpAddress);
                state.Services.Metrics?.LoginFailed(FastMail.Core.Diagnostics.MailMetrics.Web);
                return null;
            }
        }

        try
        {
            mailbox = await state.Services.Accounts.AuthenticateAsync(user, password, context.RequestAborted);
        }
        finally
        {
            throttle?.Complete(attempt, mailbox is not null);
        }

        if (mailbox is null)
        {
            WebLog.LoginFailed(state.Logger, context.Connection.RemoteIpAddress);
            state.Services.Metrics?.LoginFailed(FastMail.Core.Diagnostics.MailMetrics.Web);
        }

        return mailbox;
    }

    private static Task LogoutAsync(HttpContext context, WebState state)
    {
        state.Sessions.Remove(context.Request.Cookies[WebSecurityMiddleware.CookieName]);
        context.Response.Cookies.Delete(WebSecurityMiddleware.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
        return context.Response.WriteAsJsonAsync(new OkResponse("logged out"), WebJsonContext.Default.OkResponse);
    }

    private static Task SessionAsync(HttpContext context, WebState state) => WriteSessionAsync(context, state, context.GetWebSession()!);

    private static Task WriteSessionAsync(HttpContext context, WebState state, WebSession session) =>
        context.Response.WriteAsJsonAsync(
            new SessionResponse(session.User, session.Mailbox, state.AddressOf(session), session.IsAdmin, session.CsrfToken),
            WebJsonContext.Default.SessionResponse);

    private static async Task ChangePasswordAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        var request = await ReadJsonAsync(context, WebJsonContext.Default.PasswordRequest);
        if (request?.Current is not { } current || request.New is not { } replacement || current.Length > MaxPasswordLength)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, "current and new password are required");
            return;
        }

        if (await CheckPasswordAsync(context, state, session.User, current) is null)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status403Forbidden, "the current password is wrong");
            return;
        }

        var result = state.Services.Accounts.ChangePassword(session.User, replacement);
        if (!result.Succeeded)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, result.Message);
            return;
        }

        state.Sessions.RemoveOthers(session.User, context.Request.Cookies[WebSecurityMiddleware.CookieName]);
        await context.Response.WriteAsJsonAsync(new OkResponse("password changed"), WebJsonContext.Default.OkResponse);
    }

    internal static async Task<T?> ReadJsonAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFromJsonAsync(type, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

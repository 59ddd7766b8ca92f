using Microsoft.AspNetCore.Http;

namespace FastMail.Web.Security;

/// <summary>A logged-in browser: the login name, its mailbox, the admin flag (read at login) and the CSRF token every non-GET request must echo.</summary>
public sealed record WebSession(string User, string Mailbox, bool IsAdmin, string CsrfToken);

public static class WebSessionExtensions
{
    internal static readonly object ItemKey = new();

    /// <summary>The session of this request (resolved from the fm_session cookie by the web middleware), or null.</summary>
    public static WebSession? GetWebSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) ? value as WebSession : null;
    }
}

using Microsoft.AspNetCore.Builder;

namespace FastMail.Web.Security;

/// <summary>
/// Access rules as endpoint metadata, enforced by <see cref="WebSecurityMiddleware"/> after routing (so they hold for
/// every kind of endpoint, RequestDelegate or minimal API handler). CSRF is checked globally, not here.
/// </summary>
public static class WebEndpointFilters
{
    /// <summary>Requires a session: without one, /api/* answers 401 and pages redirect to /login.</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(RequireUserMetadata.Instance));
        return builder;
    }

    /// <summary>Requires a session of an admin: no session as <see cref="RequireUser{TBuilder}"/>; a session without the admin flag gets 403.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(RequireUserMetadata.Instance);
            endpoint.Metadata.Add(RequireAdminMetadata.Instance);
        });
        return builder;
    }
}

internal sealed class RequireUserMetadata
{
    public static readonly RequireUserMetadata Instance = new();
}

internal sealed class RequireAdminMetadata
{
    public static readonly RequireAdminMetadata Instance = new();
}

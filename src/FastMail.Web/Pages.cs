using FastMail.Web.Security;
using FastMail.Web.Static;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastMail.Web;

/// <summary>The HTML pages: static files whose script fetches the JSON API (no inline script, so the CSP needs no exceptions).</summary>
internal static class Pages
{
    public static void Map(WebApplication app, StaticFiles files)
    {
        app.MapGet("/", (RequestDelegate)(context => Serve(context, files, "app.html"))).RequireUser();
        app.MapGet("/login", (RequestDelegate)(context =>
        {
            if (context.GetWebSession() is not null)
            {
                context.Response.Redirect("/");
                return Task.CompletedTask;
            }

            return Serve(context, files, "login.html");
        }));
    }

    private static Task Serve(HttpContext context, StaticFiles files, string name)
    {
        if (!files.TryGet(name, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = file.ContentType;
        return context.Response.Body.WriteAsync(file.Content).AsTask();
    }
}

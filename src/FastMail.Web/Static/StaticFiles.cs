using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace FastMail.Web.Static;

/// <summary>
/// The embedded files of every <c>**/wwwroot/**</c> folder of this project, served at <c>/static/&lt;path below wwwroot&gt;</c>.
/// Looked up by exact name in a table built once: no file system, so no path traversal. Two folders holding the same
/// path is a startup error.
/// </summary>
internal sealed class StaticFiles
{
    private readonly FrozenDictionary<string, StaticFile> _files;

    private StaticFiles(FrozenDictionary<string, StaticFile> files) => _files = files;

    public IEnumerable<string> Paths => _files.Keys;

    public static StaticFiles Load()
    {
        var assembly = typeof(StaticFiles).Assembly;
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            int start;
            if (name.StartsWith("wwwroot/", StringComparison.Ordinal))
            {
                start = "wwwroot/".Length;
            }
            else
            {
                var at = name.IndexOf("/wwwroot/", StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                start = at + "/wwwroot/".Length;
            }

            var path = name[start..];
            using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes), 0, 8) + "\"";
            if (!files.TryAdd(path, new StaticFile(bytes, ContentTypeOf(path), etag)))
            {
                throw new InvalidOperationException($"Two embedded wwwroot folders hold {path}.");
            }
        }

        return new StaticFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public bool TryGet(string path, out StaticFile file) => _files.TryGetValue(path, out file!);

    /// <summary>GET /static/{**path}: the file, revalidated by ETag.</summary>
    public Task ServeAsync(HttpContext context)
    {
        var path = context.Request.RouteValues["path"] as string ?? "";
        if (!TryGet(path, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return WriteAsync(context, file);
    }

    public static Task WriteAsync(HttpContext context, StaticFile file)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(file.Content).AsTask();
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}

internal sealed record StaticFile(byte[] Content, string ContentType, string ETag);

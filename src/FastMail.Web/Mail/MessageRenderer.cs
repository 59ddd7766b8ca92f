using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using MimeKit;

namespace FastMail.Web.Mail;

/// <summary>
/// Turns a parsed message into what the browser may see. The text body is HTML-encoded here, with http(s) links made
/// clickable; the HTML body is never put into an app page: it is served alone, under a sandbox CSP, with its cid:
/// references pointed at /api/messages/{id}/parts/{n}. Parts are numbered in the order of <see cref="MimeMessage.BodyParts"/>.
/// </summary>
internal static partial class MessageRenderer
{
    [GeneratedRegex(@"https?://[^\s<>""'`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"cid:([^""'\s)>]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CidPattern();

    [GeneratedRegex(@"(src|background)\s*=\s*[""']?\s*https?:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RemoteImagePattern();

    /// <summary>Plain text as HTML: every character encoded, line breaks kept by CSS (white-space: pre-wrap), URLs as links.</summary>
    public static string TextToHtml(string text)
    {
        var encoder = HtmlEncoder.Default;
        var html = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (Match match in LinkPattern().Matches(text))
        {
            var url = match.Value.TrimEnd('.', ',', ';', ':', ')', '!', '?');
            html.Append(encoder.Encode(text[last..match.Index]));
            var encoded = encoder.Encode(url);
            html.Append("<a href=\"").Append(encoded).Append("\" rel=\"noopener noreferrer\" target=\"_blank\">").Append(encoded).Append("</a>");
            last = match.Index + url.Length;
        }

        html.Append(encoder.Encode(text[last..]));
        return html.ToString();
    }

    /// <summary>The text body to show: text/plain, else nothing (an HTML-only message is read in the sandboxed frame).</summary>
    public static string TextOf(MimeMessage message) => message.TextBody ?? "";

    /// <summary>Largest inline image embedded into the HTML body as a data: URL.</summary>
    public const int MaxInlineImageBytes = 2 * 1024 * 1024;

    /// <summary>
    /// The HTML body with cid: references rewritten; null when there is none. A raster image part (PNG, JPEG, GIF, WebP)
    /// up to <see cref="MaxInlineImageBytes"/> becomes a data: URL, since the frame's policy allows images from data:
    /// only (and its opaque origin would not send the SameSite=Strict session cookie with a request anyway); other
    /// referenced parts point at /api/messages/{id}/parts/{n} (a download); unknown ids at about:blank.
    /// </summary>
    public static string? HtmlOf(MimeMessage message, long id)
    {
        var html = message.HtmlBody;
        if (html is null)
        {
            return null;
        }

        var byContentId = new Dictionary<string, (int Index, MimeEntity Part)>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var part in message.BodyParts)
        {
            if (!string.IsNullOrEmpty(part.ContentId))
            {
                byContentId.TryAdd(part.ContentId, (index, part));
            }

            index++;
        }

        var inlined = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return CidPattern().Replace(html, match =>
        {
            var contentId = Uri.UnescapeDataString(match.Groups[1].Value);
            if (!byContentId.TryGetValue(contentId, out var found))
            {
                return "about:blank";
            }

            if (!inlined.TryGetValue(contentId, out var url))
            {
                url = DataUrlOf(found.Part) ?? $"/api/messages/{id}/parts/{found.Index}";
                inlined[contentId] = url;
            }

            return url;
        });
    }

    private static string? DataUrlOf(MimeEntity part)
    {
        if (part is not MimePart { Content: { } content } mime || !IsRasterImage(mime.ContentType.MimeType))
        {
            return null;
        }

        using var decoded = new MemoryStream();
        content.DecodeTo(decoded);
        return decoded.Length > MaxInlineImageBytes
            ? null
            : "data:" + mime.ContentType.MimeType.ToLowerInvariant() + ";base64," + Convert.ToBase64String(decoded.GetBuffer(), 0, (int)decoded.Length);
    }

    public static bool IsRasterImage(string mimeType) => mimeType.ToLowerInvariant() is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    public static bool HasRemoteImages(string? html) => html is not null && RemoteImagePattern().IsMatch(html);

    public static List<AttachmentInfo> AttachmentsOf(MimeMessage message)
    {
        var list = new List<AttachmentInfo>();
        var index = 0;
        foreach (var part in message.BodyParts)
        {
            if (part is MimePart mime && (part.IsAttachment || (mime is not TextPart && string.IsNullOrEmpty(part.ContentId))))
            {
                list.Add(new AttachmentInfo(index, SafeFileName(mime.FileName, index), mime.ContentType.MimeType, mime.Content?.Stream?.Length ?? 0));
            }
            else if (part is MessagePart rfc822)
            {
                list.Add(new AttachmentInfo(index, SafeFileName(rfc822.ContentDisposition?.FileName, index, ".eml"), "message/rfc822", 0));
            }

            index++;
        }

        return list;
    }

    public static MimeEntity? PartAt(MimeMessage message, int n) => n < 0 ? null : message.BodyParts.Skip(n).FirstOrDefault();

    /// <summary>A file name fit for Content-Disposition: no path, no control characters or quotes, at most 100 characters.</summary>
    public static string SafeFileName(string? name, int index, string defaultExtension = "")
    {
        var builder = new StringBuilder();
        foreach (var c in Path.GetFileName(name ?? "").AsSpan())
        {
            builder.Append(char.IsControl(c) || c is '"' or '\\' or '/' or ':' or '*' or '?' or '<' or '>' or '|' or ';' ? '_' : c);
        }

        var safe = builder.ToString().Trim().TrimStart('.');
        if (safe.Length == 0)
        {
            safe = "part-" + index + defaultExtension;
        }

        return safe.Length > 100 ? safe[..100] : safe;
    }
}

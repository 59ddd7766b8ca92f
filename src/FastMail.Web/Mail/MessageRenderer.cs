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

    /// <summary>The HTML body with cid: references rewritten to this message's part URLs; null when there is none.</summary>
    public static string? HtmlOf(MimeMessage message, long id)
    {
        var html = message.HtmlBody;
        if (html is null)
        {
            return null;
        }

        var byContentId = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var part in message.BodyParts)
        {
            if (!string.IsNullOrEmpty(part.ContentId))
            {
                byContentId.TryAdd(part.ContentId, index);
            }

            index++;
        }

        return CidPattern().Replace(html, match =>
        {
            var contentId = Uri.UnescapeDataString(match.Groups[1].Value);
            return byContentId.TryGetValue(contentId, out var n) ? $"/api/messages/{id}/parts/{n}" : "about:blank";
        });
    }

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

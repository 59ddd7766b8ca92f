using FastMail.Web.Mail;
using FastMail.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MimeKit;

namespace FastMail.Web.Api;

/// <summary>
/// The mailbox: list (paged, newest first; only the page's messages are read), read, the sandboxed HTML body, parts and
/// attachments, delete. Reading never takes the POP3 lock; deleting takes it for the commit only and answers 409 while
/// a POP3 session holds it.
/// </summary>
internal static class MailEndpoints
{
    public const int PageSize = 50;

    /// <summary>The exact policy of the HTML body: its own opaque origin (no script, no forms, no top navigation), no remote loads.</summary>
    public const string HtmlPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    /// <summary>The HTML body when the user asked for remote images (for that one load).</summary>
    public const string HtmlPolicyWithImages = "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'";

    /// <summary>Parts and attachments: never run as a document of this origin.</summary>
    public const string PartPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    /// <summary>Search scans at most this many messages per request (then the page ends with a cursor to continue).</summary>
    public const int MaxSearchScan = 2000;

    public static void Map(WebApplication app, WebState state)
    {
        app.MapGet("/api/messages", (RequestDelegate)(context => ListAsync(context, state))).RequireUser();
        app.MapGet("/api/messages/{id:long}", (RequestDelegate)(context => ReadAsync(context, state))).RequireUser();
        app.MapGet("/api/messages/{id:long}/html", (RequestDelegate)(context => HtmlAsync(context, state))).RequireUser();
        app.MapGet("/api/messages/{id:long}/parts/{part:int}", (RequestDelegate)(context => PartAsync(context, state))).RequireUser();
        app.MapDelete("/api/messages/{id:long}", (RequestDelegate)(context => DeleteOneAsync(context, state))).RequireUser();
        app.MapPost("/api/messages/delete", (RequestDelegate)(context => DeleteManyAsync(context, state))).RequireUser();
    }

    private static async Task ListAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        var browser = state.Services.Browser;
        var before = long.TryParse(context.Request.Query["before"], out var cursor) && cursor > 0 ? cursor : long.MaxValue;
        var query = context.Request.Query["q"].ToString().Trim();
        var ct = context.RequestAborted;
        var messages = new List<MessageSummary>(PageSize);
        long? next = null;
        long total;
        int? scanned = null;
        if (query.Length == 0)
        {
            var page = browser.ListNewest(session.Mailbox, before, PageSize);
            total = page.Total;
            foreach (var entry in page.Messages)
            {
                var headers = await MessageLoader.ReadHeadersAsync(browser, session.Mailbox, entry.Id, entry.Length, ct);
                if (headers is not null)
                {
                    messages.Add(Summary(entry.Id, entry.Length, headers));
                }
            }

            next = page.Messages.Count == PageSize ? page.Messages[^1].Sequence : null;
            if (next is not null && browser.ListNewest(session.Mailbox, next.Value, 1).Messages.Count == 0)
            {
                next = null;
            }
        }
        else
        {
            // A search reads the header block of each message, newest first, until the page is full or MaxSearchScan
            // messages were read: cost grows with the mailbox, bounded per request; the cursor continues the scan.
            var count = 0;
            total = 0;
            while (messages.Count < PageSize && count < MaxSearchScan)
            {
                var page = browser.ListNewest(session.Mailbox, before, Math.Min(200, MaxSearchScan - count));
                total = page.Total;
                if (page.Messages.Count == 0)
                {
                    next = null;
                    break;
                }

                foreach (var entry in page.Messages)
                {
                    count++;
                    before = entry.Sequence;
                    next = entry.Sequence;
                    var headers = await MessageLoader.ReadHeadersAsync(browser, session.Mailbox, entry.Id, entry.Length, ct);
                    if (headers is not null && Matches(headers, query))
                    {
                        messages.Add(Summary(entry.Id, entry.Length, headers));
                        if (messages.Count == PageSize)
                        {
                            break;
                        }
                    }
                }
            }

            if (next is not null && browser.ListNewest(session.Mailbox, next.Value, 1).Messages.Count == 0)
            {
                next = null;
            }

            scanned = count;
        }

        await context.Response.WriteAsJsonAsync(
            new MessageListResponse(total, browser.IsLocked(session.Mailbox), messages, next, scanned),
            WebJsonContext.Default.MessageListResponse);
    }

    private static bool Matches(HeaderList headers, string query) =>
        MessageLoader.FromOf(headers).Contains(query, StringComparison.OrdinalIgnoreCase)
        || MessageLoader.SubjectOf(headers).Contains(query, StringComparison.OrdinalIgnoreCase);

    private static MessageSummary Summary(long id, long length, HeaderList headers) =>
        new(id, MessageLoader.FromOf(headers), MessageLoader.SubjectOf(headers), MessageLoader.DateOf(headers), length);

    private static long IdOf(HttpContext context) => long.Parse((string)context.Request.RouteValues["id"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<MimeMessage?> LoadAsync(HttpContext context, WebState state, WebSession session, long id)
    {
        try
        {
            var message = await MessageLoader.ReadMessageAsync(state.Services.Browser, session.Mailbox, id, state.Options.MaxDisplayedMessageSize, context.RequestAborted);
            if (message is null)
            {
                await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status404NotFound, "no such message");
            }

            return message;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            WebLog.UnreadableMessage(state.Logger, e, id, session.Mailbox);
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status422UnprocessableEntity, "the message cannot be shown");
            return null;
        }
    }

    private static async Task ReadAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        var id = IdOf(context);
        if (await LoadAsync(context, state, session, id) is not { } message)
        {
            return;
        }

        var text = MessageRenderer.TextOf(message);
        var html = MessageRenderer.HtmlOf(message, id);
        var response = new MessageResponse(
            id,
            message.From.ToString(),
            message.To.ToString(),
            message.Cc.ToString(),
            message.Subject ?? "",
            message.Headers.Contains(HeaderId.Date) ? message.Date : null,
            message.MessageId ?? "",
            text,
            MessageRenderer.TextToHtml(text),
            html is not null,
            MessageRenderer.HasRemoteImages(html),
            MessageRenderer.AttachmentsOf(message),
            state.Services.Browser.IsLocked(session.Mailbox));
        await context.Response.WriteAsJsonAsync(response, WebJsonContext.Default.MessageResponse);
    }

    private static async Task HtmlAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        var id = IdOf(context);
        // Set before anything is written, errors included: this URL only ever answers under the sandbox.
        WebSecurityMiddleware.AllowSameOriginFraming(context.Response, context.Request.Query["images"] == "1" ? HtmlPolicyWithImages : HtmlPolicy);
        if (await LoadAsync(context, state, session, id) is not { } message)
        {
            return;
        }

        var html = MessageRenderer.HtmlOf(message, id) ?? "";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    private static async Task PartAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        var id = IdOf(context);
        var n = int.Parse((string)context.Request.RouteValues["part"]!, System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.ContentSecurityPolicy = PartPolicy;
        if (await LoadAsync(context, state, session, id) is not { } message)
        {
            return;
        }

        var part = MessageRenderer.PartAt(message, n);
        using var content = new MemoryStream();
        string mimeType;
        string? fileName;
        switch (part)
        {
            case MimePart mime when mime.Content is not null:
                await mime.Content.DecodeToAsync(content, context.RequestAborted);
                mimeType = mime.ContentType.MimeType;
                fileName = mime.FileName;
                break;
            case MessagePart rfc822 when rfc822.Message is not null:
                await rfc822.Message.WriteToAsync(content, context.RequestAborted);
                mimeType = "message/rfc822";
                fileName = rfc822.ContentDisposition?.FileName ?? "message.eml";
                break;
            default:
                await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status404NotFound, "no such part");
                return;
        }

        // Raster images may be shown inline (the cid: images of the HTML body); everything else, SVG included, is a download.
        var inline = context.Request.Query["download"] != "1" && MessageRenderer.IsRasterImage(mimeType);
        var safeName = MessageRenderer.SafeFileName(fileName, n);
        context.Response.ContentType = inline ? mimeType.ToLowerInvariant() : "application/octet-stream";
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(safeName);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        context.Response.ContentLength = content.Length;
        content.Position = 0;
        await content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static Task DeleteOneAsync(HttpContext context, WebState state) => DeleteAsync(context, state, [IdOf(context)]);

    private static async Task DeleteManyAsync(HttpContext context, WebState state)
    {
        var request = await AuthEndpoints.ReadJsonAsync(context, WebJsonContext.Default.DeleteRequest);
        if (request?.Ids is not { Length: > 0 and <= 10_000 } ids)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, "ids: 1 to 10000 message ids");
            return;
        }

        await DeleteAsync(context, state, ids);
    }

    /// <summary>
    /// Takes the POP3 mailbox lock for the commit only (contract 3: the delete is durable before the answer, and a running
    /// POP3 session never sees it, since it cannot run while we hold the lock; the next one no longer lists the message).
    /// </summary>
    private static async Task DeleteAsync(HttpContext context, WebState state, long[] ids)
    {
        var session = context.GetWebSession()!;
        await using var mailbox = await state.Services.Store.TryOpenMailboxAsync(session.Mailbox, context.RequestAborted);
        if (mailbox is null)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status409Conflict, "the mailbox is in use by a POP3 session; it is read-only until that session ends");
            return;
        }

        var wanted = new HashSet<long>(ids);
        var indexes = new List<int>(wanted.Count);
        for (var i = 0; i < mailbox.Count && indexes.Count < wanted.Count; i++)
        {
            if (wanted.Contains(mailbox.GetId(i)))
            {
                indexes.Add(i);
            }
        }

        if (indexes.Count > 0)
        {
            await mailbox.CommitDeletesAsync(indexes.ToArray(), CancellationToken.None);
            WebLog.Deleted(state.Logger, indexes.Count, session.Mailbox);
        }

        await context.Response.WriteAsJsonAsync(new DeleteResponse(indexes.Count), WebJsonContext.Default.DeleteResponse);
    }
}

using FastMail.Web.Mail;
using FastMail.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MimeKit;
using MimeKit.Utils;

namespace FastMail.Web.Api;

/// <summary>
/// POST /api/send (multipart/form-data or urlencoded): to, cc, bcc, subject, body, optional replyTo (a message id in the
/// user's mailbox, for In-Reply-To/References) and files named attachments. The message is built with MimeKit, 7-bit
/// encoded, and submitted once per recipient through <see cref="FastMail.Core.Services.IMailSubmission"/> (local
/// mailbox or outbound queue). Sender: the user's address.
/// </summary>
internal static class ComposeEndpoints
{
    public const int MaxRecipients = 100;

    public static void Map(WebApplication app, WebState state) =>
        app.MapPost("/api/send", (RequestDelegate)(context => SendAsync(context, state))).RequireUser();

    private static async Task SendAsync(HttpContext context, WebState state)
    {
        var session = context.GetWebSession()!;
        if (!context.Request.HasFormContentType)
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, "expected a form");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string to = form["to"].ToString(), cc = form["cc"].ToString(), bcc = form["bcc"].ToString();
        string subject = form["subject"].ToString(), body = form["body"].ToString();

        // Header fields must not carry line breaks (header injection); the body may.
        if (HasLineBreak(to) || HasLineBreak(cc) || HasLineBreak(bcc) || HasLineBreak(subject))
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, "line breaks are not allowed in to, cc, bcc or subject");
            return;
        }

        if (!TryParseList(to, out var toList) || !TryParseList(cc, out var ccList) || !TryParseList(bcc, out var bccList))
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, "a recipient address is not valid");
            return;
        }

        // An unqualified name ("bob") is a user of the primary domain, in the headers as in the envelope.
        foreach (var address in toList.Mailboxes.Concat(ccList.Mailboxes).Concat(bccList.Mailboxes))
        {
            if (!address.Address.Contains('@', StringComparison.Ordinal))
            {
                address.Address += "@" + state.Services.Directory.PrimaryDomain;
            }
        }

        var recipients = toList.Mailboxes.Concat(ccList.Mailboxes).Concat(bccList.Mailboxes)
            .Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0 || recipients.Count > MaxRecipients || recipients.Any(r => r.AsSpan().ContainsAny('\r', '\n') || r.Length == 0))
        {
            await WebSecurityMiddleware.RefuseAsync(context, StatusCodes.Status400BadRequest, $"1 to {MaxRecipients} recipients are required");
            return;
        }

        var sender = state.AddressOf(session);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(null, sender));
        message.To.AddRange(toList);
        message.Cc.AddRange(ccList);
        message.Subject = subject;
        message.Date = DateTimeOffset.Now;
        message.MessageId = MimeUtils.GenerateMessageId(state.Services.Directory.PrimaryDomain);
        if (long.TryParse(form["replyTo"], out var replyTo)
            && await MessageLoader.ReadHeadersAsync(state.Services.Browser, session.Mailbox, replyTo, 32 * 1024, context.RequestAborted) is { } original
            && original[HeaderId.MessageId] is { Length: > 0 } originalId
            && MimeUtils.EnumerateReferences(originalId).FirstOrDefault() is { } parsedId)
        {
            message.InReplyTo = parsedId;
            foreach (var reference in MimeUtils.EnumerateReferences(original[HeaderId.References] ?? ""))
            {
                message.References.Add(reference);
            }

            message.References.Add(parsedId);
        }

        var builder = new BodyBuilder { TextBody = body.ReplaceLineEndings("\r\n") };
        foreach (var file in form.Files)
        {
            if (file.Length == 0)
            {
                continue;
            }

            await using var stream = file.OpenReadStream();
            var type = ContentType.TryParse(file.ContentType ?? "", out var parsed) ? parsed : new ContentType("application", "octet-stream");
            await builder.Attachments.AddAsync(MessageRenderer.SafeFileName(file.FileName, builder.Attachments.Count), stream, type, context.RequestAborted);
        }

        message.Body = builder.ToMessageBody();
        message.Prepare(EncodingConstraint.SevenBit);
        using var content = new MemoryStream();
        await message.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, content, context.RequestAborted);
        var bytes = content.GetBuffer().AsMemory(0, (int)content.Length);

        var delivered = new List<string>();
        var undeliverable = new List<string>();
        foreach (var recipient in recipients)
        {
            var id = await state.Services.Submission.SubmitAsync(sender, recipient, bytes, eightBit: false, CancellationToken.None);
            (id >= 0 ? delivered : undeliverable).Add(recipient);
        }

        WebLog.Sent(state.Logger, sender, delivered.Count);
        await context.Response.WriteAsJsonAsync(new SendResponse(delivered, undeliverable), WebJsonContext.Default.SendResponse);
    }

    private static bool HasLineBreak(string value) => value.AsSpan().ContainsAny('\r', '\n');

    private static bool TryParseList(string value, out InternetAddressList list)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            list = [];
            return true;
        }

        return InternetAddressList.TryParse(value, out list!) && list.Mailboxes.All(m => m.Address.Length > 0);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace FastMail.Relay.Dsn;

/// <summary>
/// Builds delivery status notifications (RFC 3464, requested by RFC 3461 DSN parameters): a multipart/report with a
/// human-readable text/plain part, a message/delivery-status part, and the original message (message/rfc822) or its
/// header (text/rfc822-headers).
/// <para>
/// The caller (the queue) sends the result with the null reverse-path `MAIL FROM:&lt;&gt;` (RFC 5321 4.5.5, RFC 3461 6.2),
/// so that a DSN that cannot be delivered is never answered with another one, and never builds a DSN for a message whose
/// own sender was the null reverse-path (<see cref="ShouldNotify(string, string?, DsnAction)"/> says false).
/// </para>
/// <para>
/// AOT: only plain MimeKit construction (MimeMessage, MultipartReport, TextPart, MimePart) and writing; no parser
/// options, no custom entity registration. The original is attached as raw octets, never parsed, so what was sent
/// comes back byte for byte, malformed or 8-bit as it was.
/// </para>
/// </summary>
public sealed class DsnBuilder
{
    private const string FailedSubject = "Undelivered Mail Returned to Sender";
    private const string DelayedSubject = "Delayed Mail (still being retried)";
    private const string SuccessSubject = "Successful Mail Delivery Report";

    // RFC 5322 2.1.1: 998 octets per line; a Diagnostic-Code longer than this is cut (a remote's reply can be long).
    private const int MaxFieldValueLength = 900;

    private readonly DsnOptions _options;
    private readonly string _reportingMta;

    public DsnBuilder(DsnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PrimaryDomain);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReturnedMessageSize);
        _options = options;
        _reportingMta = string.IsNullOrWhiteSpace(options.ReportingMta) ? options.PrimaryDomain : options.ReportingMta;
    }

    /// <summary>
    /// RFC 3461 4.1 NOTIFY: whether a recipient with this NOTIFY parameter gets a DSN for <paramref name="action"/>.
    /// NEVER: none. Otherwise a comma-separated subset of SUCCESS (delivered, relayed, expanded), FAILURE (failed) and
    /// DELAY (delayed), case-insensitive; unknown keywords are ignored. Absent NOTIFY (null or empty) is treated as
    /// FAILURE,DELAY: RFC 3461 leaves DELAY to the MTA, and Postfix sends delay warnings for it too (when enabled), so a
    /// sender who did not ask still learns that a message is stuck; success is never reported unless asked for.
    /// </summary>
    public static bool ShouldNotify(string? notifyParameter, DsnAction action)
    {
        if (string.IsNullOrWhiteSpace(notifyParameter))
        {
            return action is DsnAction.Failed or DsnAction.Delayed;
        }

        var wanted = action switch
        {
            DsnAction.Failed => "FAILURE",
            DsnAction.Delayed => "DELAY",
            _ => "SUCCESS",
        };
        foreach (var range in notifyParameter.AsSpan().Split(','))
        {
            var keyword = notifyParameter.AsSpan(range).Trim();
            if (keyword.Equals("NEVER", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (keyword.Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <see cref="ShouldNotify(string?, DsnAction)"/>, and never for a message from the null reverse-path
    /// (<paramref name="envelopeSender"/> empty or "&lt;&gt;"): a DSN about a DSN could loop (RFC 3461 6.2).
    /// </summary>
    public static bool ShouldNotify(string envelopeSender, string? notifyParameter, DsnAction action) =>
        !IsNullSender(envelopeSender) && ShouldNotify(notifyParameter, action);

    /// <summary>Builds the DSN for a message whose octets are <paramref name="message"/> (CRLF line ends, as stored).</summary>
    public DsnMessage Build(DsnOriginal original, ReadOnlyMemory<byte> message, IReadOnlyList<DsnRecipientReport> recipients, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(recipients);
        if (IsNullSender(original.EnvelopeSender))
        {
            throw new ArgumentException("no DSN is sent to the null reverse-path", nameof(original));
        }

        if (recipients.Count == 0)
        {
            throw new ArgumentException("a DSN reports on at least one recipient", nameof(recipients));
        }

        foreach (var recipient in recipients)
        {
            if (!IsStatusCode(recipient.Status))
            {
                throw new ArgumentException($"'{recipient.Status}' is not an enhanced status code (class.subject.detail)", nameof(recipients));
            }
        }

        return BuildCore(original, message.Span, isComplete: true, recipients, now);
    }

    /// <summary>
    /// Builds the DSN for a message read from <paramref name="message"/>. At most MaxReturnedMessageSize + 1 octets are
    /// read: a longer message is returned as its header only, so a huge original is never buffered.
    /// </summary>
    public DsnMessage Build(DsnOriginal original, Stream message, IReadOnlyList<DsnRecipientReport> recipients, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        var limit = (int)Math.Min(_options.MaxReturnedMessageSize + 1, Array.MaxLength);
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (buffer.Length < limit)
            {
                var read = message.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length));
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var complete = buffer.Length < limit;
        if (complete)
        {
            return Build(original, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), recipients, now);
        }

        // Over the cap: only the header is returned, and the prefix read holds it (unless the header alone is over the cap).
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(recipients);
        if (IsNullSender(original.EnvelopeSender) || recipients.Count == 0)
        {
            return Build(original, ReadOnlyMemory<byte>.Empty, recipients, now); // throws the same argument errors
        }

        return BuildCore(original, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), isComplete: false, recipients, now);
    }

    private DsnMessage BuildCore(DsnOriginal original, ReadOnlySpan<byte> message, bool isComplete, IReadOnlyList<DsnRecipientReport> recipients, DateTimeOffset now)
    {
        var anyFailed = false;
        var anyDelayed = false;
        foreach (var recipient in recipients)
        {
            anyFailed |= recipient.Action == DsnAction.Failed;
            anyDelayed |= recipient.Action == DsnAction.Delayed;
        }

        // RFC 3461 4.3: RET applies to failure DSNs; without RET the whole message is returned. Delay warnings and
        // success reports return the header only (the sender still has the message, or it was delivered).
        var tooLarge = !isComplete || message.Length > _options.MaxReturnedMessageSize;
        var returnFull = anyFailed && original.Return != DsnReturn.Headers && !tooLarge;
        var returned = returnFull ? message : HeaderBlock(message);
        var eightBit = returned.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;

        var report = new MultipartReport("delivery-status")
        {
            HumanReadablePart(original, recipients, anyFailed, anyDelayed, returnFull, tooLarge && anyFailed && original.Return != DsnReturn.Headers),
            DeliveryStatusPart(original, recipients),
            ReturnedPart(returned.ToArray(), returnFull, eightBit, anyFailed),
        };

        var messageId = MimeUtils.GenerateMessageId(_options.PrimaryDomain);
        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + _options.PrimaryDomain));
        dsn.To.Add(new MailboxAddress("", original.EnvelopeSender));
        dsn.Subject = anyFailed ? FailedSubject : anyDelayed ? DelayedSubject : SuccessSubject;
        dsn.Date = now;
        dsn.MessageId = messageId;
        // RFC 3834 5: a DSN is an automatic response; auto-responders must not answer it.
        dsn.Headers.Add("Auto-Submitted", "auto-replied");
        dsn.Body = report;

        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = !Ascii.IsValid(original.EnvelopeSender); // an SMTPUTF8 sender keeps its UTF-8 address
        using var output = new MemoryStream();
        dsn.WriteTo(format, output);
        return new DsnMessage(output.ToArray(), messageId, eightBit);
    }

    private TextPart HumanReadablePart(DsnOriginal original, IReadOnlyList<DsnRecipientReport> recipients, bool anyFailed, bool anyDelayed, bool returnFull, bool cappedBySize)
    {
        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(_reportingMta).Append(".\r\n\r\n");
        if (anyFailed)
        {
            text.Append("Your message could not be delivered to one or more recipients.\r\n");
            text.Append("The mail system gave up; the reasons are below.\r\n");
            text.Append(returnFull
                ? "The message is attached.\r\n"
                : cappedBySize
                    ? $"Only its header is attached: the message is larger than {_options.MaxReturnedMessageSize} bytes.\r\n"
                    : "Its header is attached.\r\n");
        }
        else if (anyDelayed)
        {
            text.Append("Your message could not be delivered yet to one or more recipients.\r\n");
            text.Append("The mail system will keep trying; you do not need to send it again.\r\n");
            text.Append("Its header is attached.\r\n");
        }
        else
        {
            text.Append("Your message was delivered (or handed on) to the recipients below, as you asked.\r\n");
            text.Append("Its header is attached.\r\n");
        }

        text.Append("\r\nSent by <").Append(original.EnvelopeSender).Append(">, accepted ")
            .Append(DateUtils.FormatDate(original.Arrived)).Append(".\r\n");
        foreach (var recipient in recipients)
        {
            text.Append("\r\n<").Append(recipient.FinalRecipient).Append(">: ").Append(Describe(recipient.Action))
                .Append(" (status ").Append(recipient.Status).Append(")\r\n");
            var diagnostic = recipient.DiagnosticCode is null ? null : StripType(OneLine(recipient.DiagnosticCode));
            if (recipient.RemoteMta is not null)
            {
                text.Append("    host ").Append(OneLine(recipient.RemoteMta))
                    .Append(diagnostic is null ? " was the last host tried" : " said: " + diagnostic).Append("\r\n");
            }
            else if (diagnostic is not null)
            {
                text.Append("    ").Append(diagnostic).Append("\r\n");
            }

            if (recipient.Action == DsnAction.Delayed && recipient.WillRetryUntil is { } until)
            {
                text.Append("    will retry until ").Append(DateUtils.FormatDate(until)).Append("\r\n");
            }
        }

        var part = new TextPart("plain");
        part.SetText(Encoding.UTF8, text.ToString());
        part.ContentTransferEncoding = Ascii.IsValid(text.ToString()) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable;
        part.Headers.Add("Content-Description", "Notification");
        return part;
    }

    private MimePart DeliveryStatusPart(DsnOriginal original, IReadOnlyList<DsnRecipientReport> recipients)
    {
        // Written by hand rather than through MessageDeliveryStatus.StatusGroups: the header encoder would RFC 2047-encode
        // or fold values (an address is not a phrase); here every field is one ASCII line, as RFC 3464 2.1 describes.
        var fields = new StringBuilder();
        fields.Append("Reporting-MTA: dns; ").Append(AsciiOnly(_reportingMta)).Append("\r\n");
        if (!string.IsNullOrEmpty(original.EnvelopeId))
        {
            fields.Append("Original-Envelope-Id: ").Append(AsciiOnly(original.EnvelopeId)).Append("\r\n");
        }

        fields.Append("Arrival-Date: ").Append(DateUtils.FormatDate(original.Arrived)).Append("\r\n");
        foreach (var recipient in recipients)
        {
            // RFC 3464 2.1: the per-message group and each per-recipient group are separated by a blank line.
            fields.Append("\r\n");
            fields.Append("Final-Recipient: ").Append(TypedAddress(recipient.FinalRecipient)).Append("\r\n");
            if (!string.IsNullOrEmpty(recipient.OriginalRecipient))
            {
                fields.Append("Original-Recipient: ").Append(OriginalRecipient(recipient.OriginalRecipient)).Append("\r\n");
            }

            fields.Append("Action: ").Append(ActionKeyword(recipient.Action)).Append("\r\n");
            fields.Append("Status: ").Append(recipient.Status).Append("\r\n");
            if (!string.IsNullOrEmpty(recipient.RemoteMta))
            {
                fields.Append("Remote-MTA: dns; ").Append(AsciiOnly(OneLine(recipient.RemoteMta))).Append("\r\n");
            }

            if (!string.IsNullOrEmpty(recipient.DiagnosticCode))
            {
                var diagnostic = AsciiOnly(OneLine(recipient.DiagnosticCode));
                fields.Append("Diagnostic-Code: ").Append(diagnostic.Contains(';', StringComparison.Ordinal) ? diagnostic : "X-Unix; " + diagnostic).Append("\r\n");
            }

            if (recipient.LastAttempt is { } last)
            {
                fields.Append("Last-Attempt-Date: ").Append(DateUtils.FormatDate(last)).Append("\r\n");
            }

            // RFC 3464 2.3.9: Will-Retry-Until only for "delayed".
            if (recipient.Action == DsnAction.Delayed && recipient.WillRetryUntil is { } until)
            {
                fields.Append("Will-Retry-Until: ").Append(DateUtils.FormatDate(until)).Append("\r\n");
            }
        }

        var part = new MimePart("message", "delivery-status")
        {
            Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(fields.ToString()), writable: false)),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
        part.Headers.Add("Content-Description", "Delivery report");
        return part;
    }

    private static MimePart ReturnedPart(byte[] returned, bool full, bool eightBit, bool anyFailed)
    {
        // The octets are attached as they are (RFC 2046 5.2.1: message/rfc822 is 7bit, 8bit or binary, never encoded).
        var part = new MimePart(full ? "message" : "text", full ? "rfc822" : "rfc822-headers")
        {
            Content = new MimeContent(new MemoryStream(returned, writable: false)),
            ContentTransferEncoding = eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
        part.Headers.Add("Content-Description", full ? "Undelivered Message" : anyFailed ? "Undelivered Message Headers" : "Message Headers");
        return part;
    }

    /// <summary>The header block of a message, up to and including the CRLF that ends its last field; all of it when there is no body.</summary>
    internal static ReadOnlySpan<byte> HeaderBlock(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("\r\n"u8))
        {
            return [];
        }

        var end = message.IndexOf("\r\n\r\n"u8);
        if (end >= 0)
        {
            return message[..(end + 2)];
        }

        var bareEnd = message.IndexOf("\n\n"u8);
        if (bareEnd >= 0)
        {
            return message[..(bareEnd + 1)];
        }

        // No blank line: the message is all header, or (a truncated prefix) a header longer than what was read:
        // keep whole lines only.
        var lastLine = message.LastIndexOf((byte)'\n');
        return lastLine >= 0 ? message[..(lastLine + 1)] : message;
    }

    private static bool IsNullSender(string sender) => string.IsNullOrWhiteSpace(sender) || sender.Trim() == "<>";

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');

    private static bool IsStatusCode(string status)
    {
        // RFC 3463 2: class "." subject "." detail; class 2, 4 or 5, subject 1-3 digits, detail 1-3 digits.
        var parts = status.Split('.');
        return parts.Length == 3
            && parts[0] is "2" or "4" or "5"
            && parts[1].Length is >= 1 and <= 3 && parts[1].All(char.IsAsciiDigit)
            && parts[2].Length is >= 1 and <= 3 && parts[2].All(char.IsAsciiDigit);
    }

    private static string ActionKeyword(DsnAction action) => action switch
    {
        DsnAction.Failed => "failed",
        DsnAction.Delayed => "delayed",
        DsnAction.Delivered => "delivered",
        DsnAction.Relayed => "relayed",
        DsnAction.Expanded => "expanded",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static string Describe(DsnAction action) => action switch
    {
        DsnAction.Failed => "delivery failed",
        DsnAction.Delayed => "delivery delayed",
        DsnAction.Delivered => "delivered",
        DsnAction.Relayed => "relayed to a system that sends no further reports",
        DsnAction.Expanded => "delivered to a list or alias and expanded",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>"rfc822; addr", or for a non-ASCII address the RFC 6533 3 "utf-8; " form with its utf-8-addr-xtext escapes.</summary>
    private static string TypedAddress(string address)
    {
        address = OneLine(address);
        return Ascii.IsValid(address) ? "rfc822; " + address : "utf-8; " + Utf8AddrXtext(address);
    }

    private static string OriginalRecipient(string orcpt)
    {
        var semicolon = orcpt.IndexOf(';', StringComparison.Ordinal);
        if (semicolon <= 0)
        {
            return TypedAddress(orcpt);
        }

        var type = orcpt[..semicolon].Trim();
        var address = OneLine(orcpt[(semicolon + 1)..].Trim());
        return Ascii.IsValid(address) ? $"{AsciiOnly(type)}; {address}" : "utf-8; " + Utf8AddrXtext(address);
    }

    /// <summary>RFC 6533 3: utf-8-addr-xtext: non-ASCII, controls, space, "\", "+" and "=" become \x{HEX}.</summary>
    private static string Utf8AddrXtext(string address)
    {
        var result = new StringBuilder(address.Length + 16);
        foreach (var rune in address.EnumerateRunes())
        {
            if (rune.Value is < 0x21 or > 0x7E or '\\' or '+' or '=')
            {
                result.Append("\\x{").Append(rune.Value.ToString("X", CultureInfo.InvariantCulture)).Append('}');
            }
            else
            {
                result.Append((char)rune.Value);
            }
        }

        return result.ToString();
    }

    /// <summary>A value made one line (a multi-line SMTP reply joined with spaces), cut to fit a header line.</summary>
    private static string OneLine(string value)
    {
        var line = value.ReplaceLineEndings(" ").Replace('\t', ' ').Trim();
        return line.Length > MaxFieldValueLength ? line[..MaxFieldValueLength] : line;
    }

    /// <summary>The delivery-status part is 7-bit: any other character becomes "?".</summary>
    private static string AsciiOnly(string value) => Ascii.IsValid(value)
        ? value
        : string.Create(value.Length, value, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAscii(source[i]) && !char.IsControl(source[i]) ? source[i] : '?';
            }
        });

    /// <summary>"smtp; 550 5.1.1 no such user" → "550 5.1.1 no such user" for the human-readable text.</summary>
    private static string StripType(string diagnostic)
    {
        var semicolon = diagnostic.IndexOf(';', StringComparison.Ordinal);
        return semicolon > 0 && semicolon < 16 && !diagnostic[..semicolon].Contains(' ', StringComparison.Ordinal)
            ? diagnostic[(semicolon + 1)..].TrimStart()
            : diagnostic;
    }
}

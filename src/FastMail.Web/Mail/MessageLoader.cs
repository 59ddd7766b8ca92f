using FastMail.Core.Services;
using MimeKit;
using MimeKit.Encodings;
using MimeKit.Utils;

namespace FastMail.Web.Mail;

/// <summary>Reads stored messages through the lock-free <see cref="IMailboxBrowser"/> and parses them with MimeKit.</summary>
internal static class MessageLoader
{
    /// <summary>Enough for the header block of nearly every message; the listing reads no more than this per message.</summary>
    private const int HeaderReadLimit = 32 * 1024;

    /// <summary>The header block of message <paramref name="id"/> (at most the first 32 KB), or null when the mailbox no longer lists it.</summary>
    public static async Task<HeaderList?> ReadHeadersAsync(IMailboxBrowser browser, string mailbox, long id, long length, CancellationToken ct)
    {
        var buffer = new byte[(int)Math.Min(HeaderReadLimit, Math.Max(length, 1))];
        var filled = 0;
        try
        {
            await using var stream = browser.OpenRead(mailbox, id);
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        using var headers = new MemoryStream(buffer, 0, filled, writable: false);
        try
        {
            return HeaderList.Load(headers, ct);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>The whole message, parsed; null when the mailbox does not list it.</summary>
    public static async Task<MimeMessage?> ReadMessageAsync(IMailboxBrowser browser, string mailbox, long id, long maxLength, CancellationToken ct)
    {
        using var content = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            await using var stream = browser.OpenRead(mailbox, id);
            while (true)
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }

                content.Write(buffer, 0, read);
                if (content.Length > maxLength)
                {
                    throw new InvalidDataException($"Message {id} is larger than {maxLength} bytes.");
                }
            }
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        content.Position = 0;
        return await MimeMessage.LoadAsync(content, ct);
    }

    public static string FromOf(HeaderList headers) => Decode(headers[HeaderId.From]);

    public static string SubjectOf(HeaderList headers) => Decode(headers[HeaderId.Subject]);

    public static DateTimeOffset? DateOf(HeaderList headers) =>
        headers[HeaderId.Date] is { } date && DateUtils.TryParse(date, out var value) ? value : null;

    /// <summary>A header as text (RFC 2047 words decoded), trimmed; empty when absent.</summary>
    private static string Decode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        try
        {
            return Rfc2047.DecodeText(System.Text.Encoding.UTF8.GetBytes(value)).Trim();
        }
        catch (ArgumentException)
        {
            return value.Trim();
        }
    }
}

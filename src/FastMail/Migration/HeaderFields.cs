using System.Globalization;
using System.Text;
using MimeKit.Utils;

namespace FastMail.Migration;

/// <summary>
/// The few header fields migration reads (RFC 5322 2.2): Message-ID for the duplicate check, Return-Path for the
/// envelope sender, the newest Received date (or Date) for the delivery time. Works on the raw header bytes, LF or CRLF.
/// </summary>
internal static class HeaderFields
{
    /// <summary>Offset just past the empty line that ends the header in <paramref name="bytes"/>, searching from <paramref name="from"/>; -1 when not there yet.</summary>
    public static int EndOfHeader(ReadOnlySpan<byte> bytes, int from)
    {
        if (from == 0 && (bytes.StartsWith("\r\n"u8) || bytes.StartsWith("\n"u8)))
        {
            return bytes[0] == (byte)'\n' ? 1 : 2;
        }

        for (var i = Math.Max(from, 0); i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n')
            {
                return i + 2;
            }

            if (i + 2 < bytes.Length && bytes[i + 1] == (byte)'\r' && bytes[i + 2] == (byte)'\n')
            {
                return i + 3;
            }
        }

        return -1;
    }

    /// <summary>The unfolded, trimmed value of the first field called <paramref name="name"/> (any case), or null.</summary>
    public static string? First(ReadOnlySpan<byte> header, string name)
    {
        var position = 0;
        while (position < header.Length)
        {
            var line = NextLine(header, ref position);
            if (line.IsEmpty)
            {
                return null;
            }

            var colon = line.IndexOf((byte)':');
            if (colon != name.Length || !Ascii.EqualsIgnoreCase(line[..colon], name))
            {
                continue;
            }

            var value = new StringBuilder(Encoding.Latin1.GetString(line[(colon + 1)..]));
            while (position < header.Length && header[position] is (byte)' ' or (byte)'\t')
            {
                value.Append(Encoding.Latin1.GetString(NextLine(header, ref position)));
            }

            return value.ToString().Trim();
        }

        return null;
    }

    /// <summary>The reverse-path of the Return-Path field without its angle brackets: "" for &lt;&gt;, null without the field.</summary>
    public static string? ReturnPath(ReadOnlySpan<byte> header)
    {
        var value = First(header, "Return-Path");
        if (value is null)
        {
            return null;
        }

        var open = value.IndexOf('<', StringComparison.Ordinal);
        var close = value.LastIndexOf('>');
        return open >= 0 && close > open ? value[(open + 1)..close].Trim() : value.Trim();
    }

    /// <summary>When the message arrived: the date of its newest (topmost) Received field, else its Date field; null when neither parses.</summary>
    public static DateTimeOffset? Arrival(ReadOnlySpan<byte> header)
    {
        if (First(header, "Received") is { } received)
        {
            var semicolon = received.LastIndexOf(';');
            if (semicolon >= 0 && DateUtils.TryParse(received[(semicolon + 1)..].Trim(), out var date))
            {
                return date;
            }
        }

        return First(header, "Date") is { } text && DateUtils.TryParse(text, out var sent) ? sent : null;
    }

    /// <summary>The asctime form of an mbox "From " line (UTC): "Sun Dec  6 20:26:43 2026".</summary>
    public static string AscTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{utc:ddd MMM} {utc.Day,2} {utc:HH:mm:ss yyyy}");
    }

    /// <summary>One header line without its line end; <paramref name="position"/> moves past the LF.</summary>
    private static ReadOnlySpan<byte> NextLine(ReadOnlySpan<byte> header, ref int position)
    {
        var rest = header[position..];
        var lf = rest.IndexOf((byte)'\n');
        var line = lf < 0 ? rest : rest[..lf];
        position += lf < 0 ? rest.Length : lf + 1;
        return line.EndsWith("\r"u8) ? line[..^1] : line;
    }
}

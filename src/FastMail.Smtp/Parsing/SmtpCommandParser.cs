using System.Buffers;
using FastMail.Core.Protocol;

namespace FastMail.Smtp.Parsing;

/// <summary>Splits command lines off the receive buffer and recognises the verb, without allocating.</summary>
internal static class SmtpCommandParser
{
    // Verbs as little-endian integers of their lower-case spelling, compared with VerbKey.Read4 of a line.
    private const uint Helo = 'h' | ('e' << 8) | ('l' << 16) | ((uint)'o' << 24);
    private const uint Ehlo = 'e' | ('h' << 8) | ('l' << 16) | ((uint)'o' << 24);
    private const uint Mail = 'm' | ('a' << 8) | ('i' << 16) | ((uint)'l' << 24);
    private const uint Rcpt = 'r' | ('c' << 8) | ('p' << 16) | ((uint)'t' << 24);
    private const uint Data = 'd' | ('a' << 8) | ('t' << 16) | ((uint)'a' << 24);
    private const uint Rset = 'r' | ('s' << 8) | ('e' << 16) | ((uint)'t' << 24);
    private const uint Noop = 'n' | ('o' << 8) | ('o' << 16) | ((uint)'p' << 24);
    private const uint Quit = 'q' | ('u' << 8) | ('i' << 16) | ((uint)'t' << 24);
    private const uint Vrfy = 'v' | ('r' << 8) | ('f' << 16) | ((uint)'y' << 24);
    private const uint Help = 'h' | ('e' << 8) | ('l' << 16) | ((uint)'p' << 24);
    private const uint Bdat = 'b' | ('d' << 8) | ('a' << 16) | ((uint)'t' << 24);
    private const uint Auth = 'a' | ('u' << 8) | ('t' << 16) | ((uint)'h' << 24);
    private const uint Star = 's' | ('t' << 8) | ('a' << 16) | ((uint)'r' << 24);
    private const uint Ttls = 't' | ('t' << 8) | ('l' << 16) | ((uint)'s' << 24);

    /// <summary>
    /// Takes one line off the front of <paramref name="buffer"/>, looking no further than <paramref name="maxLength"/>
    /// octets (the terminator included), so a line is never buffered past its limit. A line ends at LF; a CR before it
    /// is dropped (Postfix also accepts LF alone in commands). A line that spans segments is copied into
    /// <paramref name="scratch"/>, which must hold <paramref name="maxLength"/> bytes.
    /// </summary>
    public static LineStatus TryReadLine(
        in ReadOnlySequence<byte> buffer,
        int maxLength,
        Span<byte> scratch,
        out ReadOnlySpan<byte> line,
        out SequencePosition next)
    {
        var window = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        if (window.IsSingleSegment)
        {
            var span = window.FirstSpan;
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                line = TrimCarriageReturn(span[..lf]);
                next = buffer.GetPosition(lf + 1);
                return LineStatus.Complete;
            }
        }
        else
        {
            var lf = window.PositionOf((byte)'\n');
            if (lf is not null)
            {
                var content = window.Slice(0, lf.Value);
                content.CopyTo(scratch);
                line = TrimCarriageReturn(scratch[..(int)content.Length]);
                next = buffer.GetPosition(1, lf.Value);
                return LineStatus.Complete;
            }
        }

        line = default;
        next = buffer.Start;
        return buffer.Length >= maxLength ? LineStatus.TooLong : LineStatus.NeedMoreData;
    }

    /// <summary>Discards input up to and including the next LF. False when the line goes on past the buffer (all of it is discarded).</summary>
    public static bool TrySkipLine(ref ReadOnlySequence<byte> buffer)
    {
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return true;
    }

    /// <summary>Recognises the verb of a command line and returns its argument text with surrounding blanks removed.</summary>
    public static SmtpVerb ParseVerb(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> arguments)
    {
        arguments = default;

        // RFC 3207 4: STARTTLS is the one eight-letter verb.
        if (line.Length >= 8
            && VerbKey.Read4(line) == Star
            && VerbKey.Read4(line[4..]) == Ttls
            && (line.Length == 8 || line[8] == (byte)' ' || line[8] == (byte)'\t'))
        {
            arguments = line[8..].Trim(" \t"u8);
            return SmtpVerb.StartTls;
        }

        // RFC 5321 4.1.1: every verb is four letters, followed by SP and arguments or by the line end.
        if (line.Length < 4 || (line.Length > 4 && line[4] != (byte)' ' && line[4] != (byte)'\t'))
        {
            return SmtpVerb.Unknown;
        }

        var verb = VerbKey.Read4(line) switch
        {
            Helo => SmtpVerb.Helo,
            Ehlo => SmtpVerb.Ehlo,
            Mail => SmtpVerb.Mail,
            Rcpt => SmtpVerb.Rcpt,
            Data => SmtpVerb.Data,
            Rset => SmtpVerb.Rset,
            Noop => SmtpVerb.Noop,
            Quit => SmtpVerb.Quit,
            Vrfy => SmtpVerb.Vrfy,
            Help => SmtpVerb.Help,
            Auth => SmtpVerb.Auth,
            Bdat => SmtpVerb.Bdat,
            _ => SmtpVerb.Unknown,
        };
        if (verb != SmtpVerb.Unknown && line.Length > 4)
        {
            arguments = line[5..].Trim(" \t"u8);
        }

        return verb;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}

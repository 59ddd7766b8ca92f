namespace FastMail.Migration;

/// <summary>
/// Copies a stored message (CRLF line ends) to a file with LF line ends, as Dovecot (mail_save_crlf = no) and Postfix's
/// local delivery write mail; readers turn LF back into CRLF. With <c>escapeFrom</c>, a line that starts with
/// "From " or "&gt;...From " gets one more "&gt;" (mboxrd), so it cannot pass for a separator and reads back exactly.
/// </summary>
internal static class LfCopier
{
    /// <summary>Returns the bytes written, the LF count (Dovecot's W= size is bytes + LFs) and whether the last byte was LF.</summary>
    public static (long Bytes, long Lines, bool EndsWithLf) Copy(Stream source, Stream destination, bool escapeFrom)
    {
        var lines = new LineReader(source);
        long bytes = 0;
        long count = 0;
        var endsWithLf = false;
        var heldCr = false;
        while (lines.TryRead(out var piece, out var lineStart))
        {
            if (heldCr)
            {
                // A CR that ended the previous (over-long) piece: dropped when this piece starts with its LF.
                if (piece[0] != (byte)'\n')
                {
                    destination.WriteByte((byte)'\r');
                    bytes++;
                }

                heldCr = false;
            }

            if (lineStart && escapeFrom)
            {
                var quotes = piece.IndexOfAnyExcept((byte)'>');
                if (quotes >= 0 && piece[quotes..].StartsWith("From "u8))
                {
                    destination.WriteByte((byte)'>');
                    bytes++;
                }
            }

            if (piece.EndsWith("\r\n"u8))
            {
                destination.Write(piece[..^2]);
                destination.WriteByte((byte)'\n');
                bytes += piece.Length - 1;
            }
            else if (!piece.EndsWith("\n"u8) && piece.EndsWith("\r"u8))
            {
                destination.Write(piece[..^1]);
                bytes += piece.Length - 1;
                heldCr = true;
            }
            else
            {
                destination.Write(piece);
                bytes += piece.Length;
            }

            if (piece.EndsWith("\n"u8))
            {
                count++;
                endsWithLf = true;
            }
            else
            {
                endsWithLf = false;
            }
        }

        if (heldCr)
        {
            destination.WriteByte((byte)'\r');
            bytes++;
            endsWithLf = false;
        }

        return (bytes, count, endsWithLf);
    }
}

using System.Text;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>
/// Deterministic message bodies as a mail client sends them: headers, then 76-column text lines with CRLF ends, some of
/// them starting with a dot (so DATA carries transparency dots to remove, RFC 5321 4.5.2, and RETR dots to add back).
/// </summary>
internal static class SampleMessages
{
    private const string Headers =
        "From: Alice Example <alice@example.org>\r\n" +
        "To: Bob <bob@fastmail.test>\r\n" +
        "Subject: Quarterly figures\r\n" +
        "Date: Fri, 27 Nov 2026 14:00:00 +0000\r\n" +
        "Message-ID: <bench-0001@example.org>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n";

    /// <summary>
    /// A stored message (CRLF line ends, no dot-stuffing) of exactly <paramref name="size"/> bytes, ending in CRLF.
    /// One line in 16 starts with a dot.
    /// </summary>
    public static byte[] Stored(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 256);
        var text = new StringBuilder(size + 128);
        text.Append(Headers);
        var line = 0;
        while (text.Length < size)
        {
            text.Append(line % 16 == 5 ? '.' : 'L');
            text.Append(line.ToString("D6"));
            text.Append(" the quick brown fox jumps over the lazy dog; PACK MY BOX WITH JUGS.\r\n");
            line++;
        }

        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var result = bytes.AsSpan(0, size).ToArray();

        // Cut mid-line: end it properly so the message is well formed.
        result[^2] = (byte)'\r';
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>The DATA text a client sends for <paramref name="stored"/>: dots doubled at line starts, then CRLF "." CRLF.</summary>
    public static byte[] DotStuffed(ReadOnlySpan<byte> stored)
    {
        var output = new List<byte>(stored.Length + (stored.Length / 32) + 3);
        var lineStart = true;
        foreach (var b in stored)
        {
            if (lineStart && b == (byte)'.')
            {
                output.Add((byte)'.');
            }

            output.Add(b);
            lineStart = b == (byte)'\n';
        }

        output.AddRange(".\r\n"u8);
        return [.. output];
    }
}

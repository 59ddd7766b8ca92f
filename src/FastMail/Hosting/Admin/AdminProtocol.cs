using System.Text;

namespace FastMail.Hosting.Admin;

/// <summary>
/// The admin socket's wire format, shared by <see cref="AdminSocketServer"/> and <see cref="AdminClient"/>.
/// Request: one line of UTF-8, the arguments separated by TAB, ended by LF (CRLF accepted), at most
/// <see cref="MaxRequestLength"/> octets with its line end. Reply: text lines (LF-ended), then `.ok` or `.error MESSAGE`;
/// a text line that starts with "." is sent with one more "." in front (dot-stuffing, as SMTP DATA does), so no text
/// line can pass for the final one. One request per connection; the server closes after the reply.
/// </summary>
internal static class AdminProtocol
{
    public const string SocketFileName = "admin.sock";

    /// <summary>The longest request line, line end included.</summary>
    public const int MaxRequestLength = 4096;

    public const string OkLine = ".ok";

    public const string ErrorPrefix = ".error ";

    /// <summary>Strict UTF-8: invalid octets are an error, not U+FFFD.</summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string SocketPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), SocketFileName);

    /// <summary>The request line for <paramref name="args"/>; an argument holding a TAB, CR or LF cannot be sent.</summary>
    public static byte[] EncodeRequest(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("an admin request needs a command", nameof(args));
        }

        foreach (var arg in args)
        {
            if (arg.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0)
            {
                throw new ArgumentException($"an admin argument cannot contain a tab or line break: '{arg.ReplaceLineEndings(" ")}'", nameof(args));
            }
        }

        var bytes = Utf8.GetBytes(string.Join('\t', args) + "\n");
        return bytes.Length <= MaxRequestLength
            ? bytes
            : throw new ArgumentException($"the admin request is longer than {MaxRequestLength} bytes", nameof(args));
    }

    /// <summary>The reply as sent: each line dot-stuffed and LF-ended (a line holding line breaks becomes several), then the final line.</summary>
    public static byte[] EncodeReply(AdminReply reply)
    {
        var text = new StringBuilder();
        foreach (var line in reply.Lines)
        {
            foreach (var part in line.ReplaceLineEndings("\n").Split('\n'))
            {
                if (part.StartsWith('.'))
                {
                    text.Append('.');
                }

                text.Append(part).Append('\n');
            }
        }

        text.Append(reply.Error is null ? OkLine : ErrorPrefix + OneLine(reply.Error)).Append('\n');
        return Utf8.GetBytes(text.ToString());
    }

    /// <summary>Parses a whole reply; null when it does not end with a final line (the connection broke mid-reply).</summary>
    public static AdminReply? DecodeReply(string text)
    {
        var lines = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line == OkLine)
            {
                return new AdminReply(lines, null);
            }

            if (line.StartsWith(ErrorPrefix, StringComparison.Ordinal) || line == ErrorPrefix.TrimEnd())
            {
                var message = line.Length > ErrorPrefix.Length ? line[ErrorPrefix.Length..] : "error";
                return new AdminReply(lines, message);
            }

            lines.Add(line.StartsWith('.') ? line[1..] : line);
        }

        return null;
    }

    /// <summary>Text safe to put on one line: line breaks and other controls become spaces.</summary>
    public static string OneLine(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        }
    });
}

namespace FastMail.Load.Messages;

/// <summary>
/// The shape of a generated message, shared by the generator and the verifier:
/// headers carry <c>X-Load-Id: id</c>; the body ends with <c>X-Load-Checksum: id hash</c>,
/// where hash is FNV-1a 64 (16 hex digits) of every body byte before that line.
/// </summary>
internal static class MessageFormat
{
    public static ReadOnlySpan<byte> IdHeader => "X-Load-Id: "u8;

    public static ReadOnlySpan<byte> ChecksumPrefix => "X-Load-Checksum: "u8;

    public static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>Body line length without CRLF; RFC 5322 2.1.1 asks for at most 78.</summary>
    public const int LineLength = 76;

    /// <summary>Every this many body lines, one starts with '.' so dot-stuffing is exercised (RFC 5321 4.5.2).</summary>
    public const int DotLineEvery = 7;
}

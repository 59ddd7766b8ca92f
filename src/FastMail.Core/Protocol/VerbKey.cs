using System.Buffers.Binary;

namespace FastMail.Core.Protocol;

/// <summary>
/// Command keywords as integers (Garnet's RespCommand): the first four octets of a line read as one little-endian
/// <see cref="uint"/> and folded to lower case compare with a verb constant in one instruction, whatever the client's
/// case (RFC 5321 2.4, RFC 1939 3: keywords are case-insensitive). Verb constants are written
/// <c>'h' | ('e' &lt;&lt; 8) | ('l' &lt;&lt; 16) | ((uint)'o' &lt;&lt; 24)</c>, in lower case.
/// </summary>
internal static class VerbKey
{
    // "| 0x20" lower-cases ASCII letters and never turns a non-letter into a letter, so "HEL@" cannot match "help".
    private const uint LowerCaseMask = 0x20202020u;
    private const uint LowerCaseMask3 = 0x00202020u;

    /// <summary>The first four octets of <paramref name="keyword"/> (at least four long), folded to lower case.</summary>
    public static uint Read4(ReadOnlySpan<byte> keyword) => BinaryPrimitives.ReadUInt32LittleEndian(keyword) | LowerCaseMask;

    /// <summary>The first three octets of <paramref name="keyword"/> (at least three long), folded to lower case; the fourth byte is zero.</summary>
    public static uint Read3(ReadOnlySpan<byte> keyword) =>
        (uint)(keyword[0] | (keyword[1] << 8) | (keyword[2] << 16)) | LowerCaseMask3;
}

using System.Buffers;
using System.Buffers.Text;

namespace FastMail.Core.Sasl;

/// <summary>
/// Strict base64 (RFC 4648 section 4) for SASL responses: RFC 4954 section 4 and RFC 5034 section 4 say a response that
/// is not valid base64 fails the exchange. <see cref="Base64.DecodeFromUtf8"/> skips whitespace since .NET 8, so the
/// alphabet and padding are checked here first.
/// </summary>
internal static class SaslBase64
{
    private static readonly SearchValues<byte> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    public static int MaxDecodedLength(int encodedLength) => encodedLength / 4 * 3;

    public static int EncodedLength(int dataLength) => (dataLength + 2) / 3 * 4;

    /// <summary>False for anything but canonical-length, padded base64 that fits <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var padding = text.Length > 0 && text[^1] == (byte)'=' ? (text[^2] == (byte)'=' ? 2 : 1) : 0;
        if (text[..^padding].ContainsAnyExcept(Alphabet))
        {
            return false;
        }

        var status = Base64.DecodeFromUtf8(text, destination, out var consumed, out written);
        return status == OperationStatus.Done && consumed == text.Length;
    }

    /// <summary>Encodes into <paramref name="destination"/>, which must be large enough; returns the length written.</summary>
    public static int Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var status = Base64.EncodeToUtf8(data, destination, out _, out var written);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException("SASL output buffer too small."); // a sizing bug, never client input
        }

        return written;
    }
}

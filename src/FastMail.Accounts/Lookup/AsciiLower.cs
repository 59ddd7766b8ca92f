using System.Buffers;
using System.Text;

namespace FastMail.Accounts.Lookup;

/// <summary>Decodes wire bytes into a caller's char span, lower-cased, for allocation-free dictionary lookups.</summary>
internal static class AsciiLower
{
    /// <summary>False when <paramref name="source"/> holds a non-ASCII byte or does not fit <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<char> destination, out int length)
    {
        length = 0;
        if (source.Length > destination.Length)
        {
            return false;
        }

        return Ascii.ToLower(source, destination, out length) == OperationStatus.Done;
    }
}

namespace FastMail.Smtp.Session;

/// <summary>A fixed-capacity byte buffer for a name kept across commands (the HELO domain).</summary>
internal sealed class AddressBuffer(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Stores <paramref name="value"/>, then "@" and <paramref name="domain"/> when that is not empty.</summary>
    public void Set(ReadOnlySpan<byte> value, ReadOnlySpan<byte> domain = default)
    {
        value.CopyTo(_bytes);
        Length = value.Length;
        if (!domain.IsEmpty)
        {
            _bytes[Length++] = (byte)'@';
            domain.CopyTo(_bytes.AsSpan(Length));
            Length += domain.Length;
        }
    }
}

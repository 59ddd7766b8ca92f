using System.Buffers.Binary;
using FastMail.Core.Mail;

namespace FastMail.Storage.Log;

/// <summary>
/// The SMTP envelope inside a commit record, little-endian: [sender][sender parameters][recipient count u16] then per
/// recipient [address][parameters], each field a u16 byte count and the bytes as the client sent them. The mailboxes the
/// recipients resolved to are the record's mailbox list; they are not repeated here.
/// </summary>
internal static class EnvelopeFormat
{
    /// <summary>Bytes <paramref name="envelope"/> takes in a record; throws when a field or the recipient list is too long for the format.</summary>
    public static int Size(Envelope envelope)
    {
        if (envelope.RecipientCount > ushort.MaxValue)
        {
            throw new ArgumentException($"An envelope holds at most {ushort.MaxValue} recipients.", nameof(envelope));
        }

        var size = FieldSize(envelope.Sender) + FieldSize(envelope.SenderParameters) + sizeof(ushort);
        for (var i = 0; i < envelope.RecipientCount; i++)
        {
            var recipient = envelope[i];
            size += FieldSize(recipient.Address) + FieldSize(recipient.Parameters);
        }

        return size;
    }

    public static int Write(Span<byte> destination, Envelope envelope)
    {
        var position = WriteField(destination, envelope.Sender);
        position += WriteField(destination[position..], envelope.SenderParameters);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[position..], (ushort)envelope.RecipientCount);
        position += sizeof(ushort);
        for (var i = 0; i < envelope.RecipientCount; i++)
        {
            var recipient = envelope[i];
            position += WriteField(destination[position..], recipient.Address);
            position += WriteField(destination[position..], recipient.Parameters);
        }

        return position;
    }

    /// <summary>Moves <paramref name="position"/> past an envelope (replay needs only the mailbox list and the body).</summary>
    public static void Skip(ReadOnlySpan<byte> source, ref int position)
    {
        SkipField(source, ref position);
        SkipField(source, ref position);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += sizeof(ushort);
        for (var i = 0; i < count * 2; i++)
        {
            SkipField(source, ref position);
        }
    }

    /// <summary>Reads an envelope back into a new <see cref="Envelope"/> (its recipients carry no mailbox).</summary>
    public static Envelope Read(ReadOnlySpan<byte> source, ref int position)
    {
        var envelope = new Envelope();
        var sender = ReadField(source, ref position);
        envelope.SetSender(sender, default, ReadField(source, ref position));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += sizeof(ushort);
        for (var i = 0; i < count; i++)
        {
            var address = ReadField(source, ref position);
            envelope.AddRecipient(address, default, ReadField(source, ref position), mailbox: null);
        }

        return envelope;
    }

    private static int FieldSize(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"An envelope field holds at most {ushort.MaxValue} bytes.", nameof(value));
        }

        return sizeof(ushort) + value.Length;
    }

    private static int WriteField(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)value.Length);
        value.CopyTo(destination[sizeof(ushort)..]);
        return sizeof(ushort) + value.Length;
    }

    private static ReadOnlySpan<byte> ReadField(ReadOnlySpan<byte> source, ref int position)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += sizeof(ushort);
        var value = source.Slice(position, length);
        position += length;
        return value;
    }

    private static void SkipField(ReadOnlySpan<byte> source, ref int position)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += sizeof(ushort) + length;
        if (position > source.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(source), "The envelope runs past the end of its record.");
        }
    }
}

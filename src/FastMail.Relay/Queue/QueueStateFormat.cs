using System.Buffers.Binary;
using System.Text;

namespace FastMail.Relay.Queue;

/// <summary>
/// The delivery state of one queued message as the store keeps it (opaque to the store), little-endian:
/// [version u8 = 1][arrived unix ms i64][recipient count u16], then per recipient [state u8][attempts u16][next attempt
/// unix ms i64][flags u8: 1 delay warned, 2 bounce reported] and four u16-counted UTF-8 strings: address, NOTIFY, ORCPT, last reply (empty = none).
/// Self-describing, so the recipient list does not depend on which domains are local when it is read back.
/// </summary>
internal static class QueueStateFormat
{
    private const byte Version = 1;
    private const int MaxReplyBytes = 1000;

    public static byte[] Write(DateTimeOffset arrived, IReadOnlyList<QueuedRecipient> recipients)
    {
        using var buffer = new MemoryStream();
        Span<byte> fixedPart = stackalloc byte[sizeof(long) + sizeof(ushort) + sizeof(byte)];
        buffer.WriteByte(Version);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart, arrived.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[sizeof(long)..], (ushort)recipients.Count);
        buffer.Write(fixedPart[..(sizeof(long) + sizeof(ushort))]);
        foreach (var recipient in recipients)
        {
            buffer.WriteByte((byte)recipient.State);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart, (ushort)Math.Min(recipient.Attempts, ushort.MaxValue));
            buffer.Write(fixedPart[..sizeof(ushort)]);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart, recipient.NextAttempt.ToUnixTimeMilliseconds());
            buffer.Write(fixedPart[..sizeof(long)]);
            buffer.WriteByte((byte)((recipient.Warned ? 1 : 0) | (recipient.Reported ? 2 : 0)));
            WriteString(buffer, recipient.Address);
            WriteString(buffer, recipient.Notify);
            WriteString(buffer, recipient.OriginalRecipient);
            WriteString(buffer, Truncate(recipient.LastReply));
        }

        return buffer.ToArray();
    }

    public static List<QueuedRecipient> Read(ReadOnlySpan<byte> state, out DateTimeOffset arrived)
    {
        if (state.IsEmpty || state[0] != Version)
        {
            throw new InvalidDataException("Unknown queue state version.");
        }

        var position = 1;
        arrived = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(state[position..]));
        position += sizeof(long);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(state[position..]);
        position += sizeof(ushort);
        var recipients = new List<QueuedRecipient>(count);
        for (var i = 0; i < count; i++)
        {
            var recipientState = (QueuedRecipientState)state[position++];
            var attempts = BinaryPrimitives.ReadUInt16LittleEndian(state[position..]);
            position += sizeof(ushort);
            var next = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(state[position..]));
            position += sizeof(long);
            var flags = state[position++];
            var address = ReadString(state, ref position) ?? throw new InvalidDataException("A queued recipient has no address.");
            var notify = ReadString(state, ref position);
            var original = ReadString(state, ref position);
            var reply = ReadString(state, ref position);
            recipients.Add(new QueuedRecipient(address, notify, original)
            {
                State = recipientState,
                Attempts = attempts,
                NextAttempt = next,
                Warned = (flags & 1) != 0,
                Reported = (flags & 2) != 0,
                LastReply = reply,
            });
        }

        return recipients;
    }

    private static string? Truncate(string? reply) => reply is { Length: > MaxReplyBytes / 4 } ? reply[..(MaxReplyBytes / 4)] : reply;

    private static void WriteString(MemoryStream buffer, string? value)
    {
        var bytes = value is null ? [] : Encoding.UTF8.GetBytes(value);
        var length = Math.Min(bytes.Length, ushort.MaxValue);
        buffer.WriteByte((byte)length);
        buffer.WriteByte((byte)(length >> 8));
        buffer.Write(bytes, 0, length);
    }

    private static string? ReadString(ReadOnlySpan<byte> state, ref int position)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(state[position..]);
        position += sizeof(ushort);
        var value = length == 0 ? null : Encoding.UTF8.GetString(state.Slice(position, length));
        position += length;
        return value;
    }
}

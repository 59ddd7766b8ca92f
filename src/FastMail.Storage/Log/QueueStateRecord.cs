using System.Buffers.Binary;
using FASTER.core;

namespace FastMail.Storage.Log;

/// <summary>
/// Replaces the delivery state of one queued message: [version 3][kind=QueueState][message id i64][state length i32][state].
/// The state bytes are the outbound queue's own format; the store keeps them opaque.
/// </summary>
internal readonly struct QueueStateRecord : ILogEnqueueEntry
{
    /// <summary>Bound on the state of one message (a few hundred bytes per recipient at most).</summary>
    public const int MaxStateLength = 1 << 20;

    private readonly long _id;
    private readonly ReadOnlyMemory<byte> _state;

    public QueueStateRecord(long id, ReadOnlyMemory<byte> state)
    {
        if (state.Length > MaxStateLength)
        {
            throw new ArgumentException($"A queue state holds at most {MaxStateLength} bytes.", nameof(state));
        }

        _id = id;
        _state = state;
    }

    public int SerializedLength => RecordFormat.PrefixSize + sizeof(long) + sizeof(int) + _state.Length;

    public void SerializeTo(Span<byte> dest)
    {
        RecordFormat.WritePrefix(dest, RecordKind.QueueState);
        BinaryPrimitives.WriteInt64LittleEndian(dest[RecordFormat.PrefixSize..], _id);
        BinaryPrimitives.WriteInt32LittleEndian(dest[(RecordFormat.PrefixSize + sizeof(long))..], _state.Length);
        _state.Span.CopyTo(dest[(RecordFormat.PrefixSize + sizeof(long) + sizeof(int))..]);
    }

    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> record, long address, out long id)
    {
        const int header = RecordFormat.PrefixSize + sizeof(long) + sizeof(int);
        if (record.Length < header)
        {
            throw new InvalidDataException($"Queue state record at {address} is truncated.");
        }

        id = BinaryPrimitives.ReadInt64LittleEndian(record[RecordFormat.PrefixSize..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(record[(RecordFormat.PrefixSize + sizeof(long))..]);
        if (length < 0 || length > MaxStateLength || record.Length - header != length)
        {
            throw new InvalidDataException($"Queue state record at {address} has a bad length {length}.");
        }

        return record[header..];
    }
}

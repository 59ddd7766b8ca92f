using System.Buffers.Binary;
using FASTER.core;

namespace FastMail.Storage.Log;

/// <summary>A body chunk: [version][kind=Chunk][writer key i64][bytes]. Serialized straight into the log page.</summary>
internal readonly struct ChunkRecord : ILogEnqueueEntry
{
    public const int HeaderSize = RecordFormat.PrefixSize + sizeof(long);

    private readonly long _key;
    private readonly ReadOnlyMemory<byte> _data;

    public ChunkRecord(long key, byte[] buffer, int count)
        : this(key, buffer.AsMemory(0, count))
    {
    }

    public ChunkRecord(long key, ReadOnlyMemory<byte> data)
    {
        _key = key;
        _data = data;
    }

    public int SerializedLength => HeaderSize + _data.Length;

    public void SerializeTo(Span<byte> dest)
    {
        RecordFormat.WritePrefix(dest, RecordKind.Chunk);
        BinaryPrimitives.WriteInt64LittleEndian(dest[RecordFormat.PrefixSize..], _key);
        _data.Span.CopyTo(dest[HeaderSize..]);
    }

    /// <summary>Returns the chunk's bytes after checking that the record is a chunk written by the expected writer.</summary>
    public static ReadOnlySpan<byte> ReadData(ReadOnlySpan<byte> record, long address, long expectedKey)
    {
        if (RecordFormat.ReadPrefix(record, address) != RecordKind.Chunk || record.Length < HeaderSize)
        {
            throw new InvalidDataException($"Log record at {address} is not a body chunk.");
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(record[RecordFormat.PrefixSize..]) != expectedKey)
        {
            throw new InvalidDataException($"Body chunk at {address} belongs to another message.");
        }

        return record[HeaderSize..];
    }
}

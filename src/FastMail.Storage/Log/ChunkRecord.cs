using System.Buffers.Binary;
using FASTER.core;

namespace FastMail.Storage.Log;

/// <summary>A body chunk: [version][kind=Chunk][writer key i64][bytes]. Serialized straight into the log page.</summary>
internal readonly struct ChunkRecord : ILogEnqueueEntry
{
    public const int HeaderSize = RecordFormat.PrefixSize + sizeof(long);

    private readonly long _key;
    private readonly byte[] _buffer;
    private readonly int _count;

    public ChunkRecord(long key, byte[] buffer, int count)
    {
        _key = key;
        _buffer = buffer;
        _count = count;
    }

    public int SerializedLength => HeaderSize + _count;

    public void SerializeTo(Span<byte> dest)
    {
        RecordFormat.WritePrefix(dest, RecordKind.Chunk);
        BinaryPrimitives.WriteInt64LittleEndian(dest[RecordFormat.PrefixSize..], _key);
        _buffer.AsSpan(0, _count).CopyTo(dest[HeaderSize..]);
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

using System.Buffers;
using System.Buffers.Binary;
using FastMail.Storage.Index;
using FastMail.Storage.Log;

namespace FastMail.Storage.Recovery;

/// <summary>
/// Serializes an <see cref="IndexSnapshot"/> (layout in <see cref="CheckpointFormat"/>) through a pooled buffer into a
/// stream, computing the trailing CRC-32C on the way.
/// </summary>
internal sealed class CheckpointWriter : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly Stream _stream;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;
    private uint _crc;

    private CheckpointWriter(Stream stream) => _stream = stream;

    public static void Write(Stream stream, IndexSnapshot snapshot)
    {
        using var writer = new CheckpointWriter(stream);
        writer.WriteAll(snapshot);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private void WriteAll(IndexSnapshot snapshot)
    {
        var ordinals = new Dictionary<StoredMessage, int>(snapshot.LiveMessages, ReferenceEqualityComparer.Instance);
        var messages = new List<StoredMessage>(snapshot.LiveMessages);
        foreach (var (_, list) in snapshot.Mailboxes)
        {
            foreach (var message in list)
            {
                if (ordinals.TryAdd(message, messages.Count))
                {
                    messages.Add(message);
                }
            }
        }

        Int64(CheckpointFormat.Magic);
        Int64(snapshot.CoveredAddress);
        Int32(messages.Count);
        foreach (var message in messages)
        {
            var location = message.Location;
            Int64(message.Id);
            Int64(message.Length);
            Int64(message.Key);
            Int64(location.RecordAddress);
            Int32(location.InlineBodyOffset);
            Int32(location.ChunkLength);
            Int32(location.ChunkAddresses?.Length ?? -1);
            foreach (var chunk in location.ChunkAddresses ?? [])
            {
                Int64(chunk);
            }
        }

        Int32(snapshot.Mailboxes.Length);
        foreach (var (name, list) in snapshot.Mailboxes)
        {
            Reserve(RecordFormat.MailboxNameSize(name));
            _used += RecordFormat.WriteMailboxName(_buffer.AsSpan(_used), name);
            Int32(list.Length);
            foreach (var message in list)
            {
                Int32(ordinals[message]);
            }
        }

        Flush();
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        _stream.Write(trailer);
    }

    private void Int64(long value)
    {
        Reserve(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), value);
        _used += sizeof(long);
    }

    private void Int32(int value)
    {
        Reserve(sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_used), value);
        _used += sizeof(int);
    }

    private void Reserve(int count)
    {
        if (_used + count > BufferSize)
        {
            Flush();
        }
    }

    private void Flush()
    {
        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}

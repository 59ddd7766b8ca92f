using System.Buffers.Binary;
using FASTER.core;
using FastMail.Storage.Index;

namespace FastMail.Storage.Log;

/// <summary>
/// Makes a message visible: [version][kind=Commit][writer key i64][length i64][mailbox count u16][(u16 + UTF-8) per mailbox]
/// [body kind u8] then, inline (0): the body; chunked (1): [chunk length i32][chunk count i32][address i64 per chunk].
/// Its log address is the message id.
/// </summary>
internal readonly struct CommitRecord : ILogEnqueueEntry
{
    private const byte InlineBody = 0;
    private const byte ChunkedBody = 1;
    private const int FixedSize = RecordFormat.PrefixSize + sizeof(long) + sizeof(long) + sizeof(ushort);

    private readonly long _key;
    private readonly long _length;
    private readonly string[] _mailboxes;
    private readonly byte[]? _inlineBody;
    private readonly List<long>? _chunks;
    private readonly int _chunkLength;
    private readonly int _bodyOffset;

    private CommitRecord(long key, long length, string[] mailboxes, byte[]? inlineBody, List<long>? chunks, int chunkLength)
    {
        if (mailboxes.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A message needs 1 to {ushort.MaxValue} mailboxes.", nameof(mailboxes));
        }

        _key = key;
        _length = length;
        _mailboxes = mailboxes;
        _inlineBody = inlineBody;
        _chunks = chunks;
        _chunkLength = chunkLength;

        var offset = FixedSize;
        foreach (var mailbox in mailboxes)
        {
            offset += RecordFormat.MailboxNameSize(mailbox);
        }

        _bodyOffset = offset + 1;
        SerializedLength = inlineBody is null
            ? _bodyOffset + sizeof(int) + sizeof(int) + (chunks!.Count * sizeof(long))
            : _bodyOffset + (int)length;
    }

    public int SerializedLength { get; }

    /// <summary>Offset of an inline body inside the record.</summary>
    public int BodyOffset => _bodyOffset;

    public static CommitRecord Inline(long key, string[] mailboxes, byte[] body, int length) =>
        new(key, length, mailboxes, body, null, 0);

    public static CommitRecord Chunked(long key, long length, string[] mailboxes, List<long> chunks, int chunkLength) =>
        new(key, length, mailboxes, null, chunks, chunkLength);

    public void SerializeTo(Span<byte> dest)
    {
        RecordFormat.WritePrefix(dest, RecordKind.Commit);
        var position = RecordFormat.PrefixSize;
        BinaryPrimitives.WriteInt64LittleEndian(dest[position..], _key);
        position += sizeof(long);
        BinaryPrimitives.WriteInt64LittleEndian(dest[position..], _length);
        position += sizeof(long);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[position..], (ushort)_mailboxes.Length);
        position += sizeof(ushort);
        foreach (var mailbox in _mailboxes)
        {
            position += RecordFormat.WriteMailboxName(dest[position..], mailbox);
        }

        if (_inlineBody is not null)
        {
            dest[position++] = InlineBody;
            _inlineBody.AsSpan(0, (int)_length).CopyTo(dest[position..]);
            return;
        }

        dest[position++] = ChunkedBody;
        BinaryPrimitives.WriteInt32LittleEndian(dest[position..], _chunkLength);
        position += sizeof(int);
        BinaryPrimitives.WriteInt32LittleEndian(dest[position..], _chunks!.Count);
        position += sizeof(int);
        foreach (var address in _chunks)
        {
            BinaryPrimitives.WriteInt64LittleEndian(dest[position..], address);
            position += sizeof(long);
        }
    }

    /// <summary>The index entry this record describes, once it is committed at <paramref name="address"/>.</summary>
    public StoredMessage ToStoredMessage(long address) => new(
        address,
        _length,
        _key,
        _inlineBody is null ? 0 : _bodyOffset,
        _chunks?.ToArray(),
        _chunkLength);

    /// <summary>Parses a commit record read back from the log (replay).</summary>
    public static StoredMessage Parse(ReadOnlySpan<byte> record, long address, out string[] mailboxes)
    {
        try
        {
            var position = RecordFormat.PrefixSize;
            var key = BinaryPrimitives.ReadInt64LittleEndian(record[position..]);
            position += sizeof(long);
            var length = BinaryPrimitives.ReadInt64LittleEndian(record[position..]);
            position += sizeof(long);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(record[position..]);
            position += sizeof(ushort);
            mailboxes = new string[count];
            for (var i = 0; i < count; i++)
            {
                mailboxes[i] = RecordFormat.ReadMailboxName(record, ref position);
            }

            var bodyKind = record[position++];
            if (bodyKind == InlineBody)
            {
                if (record.Length - position != length)
                {
                    throw new InvalidDataException($"Commit record at {address} holds {record.Length - position} body bytes, expected {length}.");
                }

                return new StoredMessage(address, length, key, position, null, 0);
            }

            if (bodyKind != ChunkedBody)
            {
                throw new InvalidDataException($"Commit record at {address} has unknown body kind {bodyKind}.");
            }

            var chunkLength = BinaryPrimitives.ReadInt32LittleEndian(record[position..]);
            position += sizeof(int);
            var chunkCount = BinaryPrimitives.ReadInt32LittleEndian(record[position..]);
            position += sizeof(int);
            if (chunkLength <= 0 || chunkCount != (length + chunkLength - 1) / chunkLength)
            {
                throw new InvalidDataException($"Commit record at {address} lists {chunkCount} chunks of {chunkLength} bytes for {length} bytes.");
            }

            var chunks = new long[chunkCount];
            for (var i = 0; i < chunkCount; i++)
            {
                chunks[i] = BinaryPrimitives.ReadInt64LittleEndian(record[position..]);
                position += sizeof(long);
            }

            return new StoredMessage(address, length, key, 0, chunks, chunkLength);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Commit record at {address} is truncated.", e);
        }
    }
}

using System.Buffers.Binary;
using FASTER.core;
using FastMail.Core.Mail;
using FastMail.Storage.Index;

namespace FastMail.Storage.Log;

/// <summary>
/// Makes a message visible: [version][kind=CommitWithEnvelope][writer key i64][length i64][mailbox count u16]
/// [(u16 + UTF-8) per mailbox][envelope (<see cref="EnvelopeFormat"/>)][body kind u8] then, inline (0): the body;
/// chunked (1): [chunk length i32][chunk count i32][address i64 per chunk]. Its log address is the message id.
/// Records of kind=Commit (written before envelopes were stored) have the same layout without the envelope and are
/// read as before. A compaction copy has kind=MovedWithEnvelope (Moved when the original had no envelope) and the
/// original id (i64) right after the prefix; the rest is the same.
/// </summary>
internal readonly struct CommitRecord : ILogEnqueueEntry
{
    private const byte InlineBody = 0;
    private const byte ChunkedBody = 1;
    private const int FixedSize = RecordFormat.PrefixSize + sizeof(long) + sizeof(long) + sizeof(ushort);

    private readonly long _key;
    private readonly long _length;
    private readonly string[] _mailboxes;
    private readonly ReadOnlyMemory<byte> _inlineBody;
    private readonly bool _isInline;
    private readonly IReadOnlyList<long>? _chunks;
    private readonly int _chunkLength;
    private readonly int _bodyOffset;
    private readonly long _movedId;
    private readonly Envelope? _envelope;

    private CommitRecord(long key, long length, string[] mailboxes, Envelope? envelope, ReadOnlyMemory<byte> inlineBody, bool isInline, IReadOnlyList<long>? chunks, int chunkLength, long movedId)
    {
        if (mailboxes.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A message needs 1 to {ushort.MaxValue} mailboxes.", nameof(mailboxes));
        }

        _key = key;
        _length = length;
        _mailboxes = mailboxes;
        _inlineBody = inlineBody;
        _isInline = isInline;
        _chunks = chunks;
        _chunkLength = chunkLength;
        _movedId = movedId;
        _envelope = envelope;

        var offset = FixedSize + (movedId >= 0 ? sizeof(long) : 0);
        foreach (var mailbox in mailboxes)
        {
            offset += RecordFormat.MailboxNameSize(mailbox);
        }

        if (envelope is not null)
        {
            offset += EnvelopeFormat.Size(envelope);
        }

        _bodyOffset = offset + 1;
        SerializedLength = isInline
            ? _bodyOffset + (int)length
            : _bodyOffset + sizeof(int) + sizeof(int) + (chunks!.Count * sizeof(long));
    }

    public int SerializedLength { get; }

    /// <summary>A message with its body inline; a null <paramref name="envelope"/> writes the layout of older builds (kind Commit).</summary>
    public static CommitRecord Inline(long key, string[] mailboxes, Envelope? envelope, byte[] body, int length) =>
        new(key, length, mailboxes, envelope, body.AsMemory(0, length), true, null, 0, -1);

    /// <summary>A message whose body is in <paramref name="chunks"/>; a null <paramref name="envelope"/> writes the layout of older builds.</summary>
    public static CommitRecord Chunked(long key, long length, string[] mailboxes, Envelope? envelope, IReadOnlyList<long> chunks, int chunkLength) =>
        new(key, length, mailboxes, envelope, default, false, chunks, chunkLength, -1);

    /// <summary>A compaction copy of message <paramref name="id"/> with its body inline and the original's envelope, if any.</summary>
    public static CommitRecord MovedInline(long id, long key, string[] mailboxes, Envelope? envelope, ReadOnlyMemory<byte> body) =>
        new(key, body.Length, mailboxes, envelope, body, true, null, 0, id);

    /// <summary>A compaction copy of message <paramref name="id"/> whose body was re-appended as <paramref name="chunks"/>.</summary>
    public static CommitRecord MovedChunked(long id, long key, long length, string[] mailboxes, Envelope? envelope, IReadOnlyList<long> chunks, int chunkLength) =>
        new(key, length, mailboxes, envelope, default, false, chunks, chunkLength, id);

    public void SerializeTo(Span<byte> dest)
    {
        var kind = (_movedId >= 0, _envelope is not null) switch
        {
            (true, true) => RecordKind.MovedWithEnvelope,
            (true, false) => RecordKind.Moved,
            (false, true) => RecordKind.CommitWithEnvelope,
            _ => RecordKind.Commit,
        };
        RecordFormat.WritePrefix(dest, kind);
        var position = RecordFormat.PrefixSize;
        if (_movedId >= 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(dest[position..], _movedId);
            position += sizeof(long);
        }

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

        if (_envelope is not null)
        {
            position += EnvelopeFormat.Write(dest[position..], _envelope);
        }

        if (_isInline)
        {
            dest[position++] = InlineBody;
            _inlineBody.Span[..(int)_length].CopyTo(dest[position..]);
            return;
        }

        dest[position++] = ChunkedBody;
        BinaryPrimitives.WriteInt32LittleEndian(dest[position..], _chunkLength);
        position += sizeof(int);
        BinaryPrimitives.WriteInt32LittleEndian(dest[position..], _chunks!.Count);
        position += sizeof(int);
        for (var i = 0; i < _chunks.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(dest[position..], _chunks[i]);
            position += sizeof(long);
        }
    }

    /// <summary>Where the body is once this record is committed at <paramref name="address"/>.</summary>
    public BodyLocation ToLocation(long address) => new(address, _isInline ? _bodyOffset : 0, _isInline ? null : [.. _chunks!], _chunkLength);

    /// <summary>The index entry this (non-moved) record describes, once it is committed at <paramref name="address"/>.</summary>
    public StoredMessage ToStoredMessage(long address) => new(address, _length, _key, ToLocation(address));

    /// <summary>
    /// The envelope stored in a commit (or moved) record read back from the log; null for a record that holds none
    /// (written before envelopes were stored).
    /// </summary>
    public static Envelope? ReadEnvelope(ReadOnlySpan<byte> record, long address)
    {
        try
        {
            var kind = RecordFormat.ReadPrefix(record, address);
            if (kind is not (RecordKind.CommitWithEnvelope or RecordKind.MovedWithEnvelope))
            {
                return null;
            }

            var position = RecordFormat.PrefixSize + (kind == RecordKind.MovedWithEnvelope ? sizeof(long) : 0) + sizeof(long) + sizeof(long);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(record[position..]);
            position += sizeof(ushort);
            for (var i = 0; i < count; i++)
            {
                RecordFormat.SkipMailboxName(record, ref position);
            }

            return EnvelopeFormat.Read(record, ref position);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Commit record at {address} is truncated.", e);
        }
    }

    /// <summary>The id of the message a commit or moved record stores; false for any other record.</summary>
    public static bool TryReadId(ReadOnlySpan<byte> record, long address, out long id)
    {
        id = address;
        if (record.Length < RecordFormat.PrefixSize + sizeof(long))
        {
            return false;
        }

        switch ((RecordKind)record[1])
        {
            case RecordKind.Commit or RecordKind.CommitWithEnvelope:
                return true;
            case RecordKind.Moved or RecordKind.MovedWithEnvelope:
                id = BinaryPrimitives.ReadInt64LittleEndian(record[RecordFormat.PrefixSize..]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Parses a commit or moved record read back from the log (replay). The message's id is the record's address for a
    /// commit, the carried original id for a moved record; its location is always this record.
    /// </summary>
    public static StoredMessage Parse(ReadOnlySpan<byte> record, long address, out string[] mailboxes)
    {
        try
        {
            var position = RecordFormat.PrefixSize;
            var id = address;
            var kind = RecordFormat.ReadPrefix(record, address);
            if (kind is RecordKind.Moved or RecordKind.MovedWithEnvelope)
            {
                id = BinaryPrimitives.ReadInt64LittleEndian(record[position..]);
                position += sizeof(long);
                if (id < 0 || id >= address)
                {
                    throw new InvalidDataException($"Moved record at {address} names message {id}, which cannot precede it.");
                }
            }

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

            if (kind is RecordKind.CommitWithEnvelope or RecordKind.MovedWithEnvelope)
            {
                EnvelopeFormat.Skip(record, ref position);
            }

            var bodyKind = record[position++];
            if (bodyKind == InlineBody)
            {
                if (record.Length - position != length)
                {
                    throw new InvalidDataException($"Commit record at {address} holds {record.Length - position} body bytes, expected {length}.");
                }

                return new StoredMessage(id, length, key, new BodyLocation(address, position, null, 0));
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

            return new StoredMessage(id, length, key, new BodyLocation(address, 0, chunks, chunkLength));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Commit record at {address} is truncated.", e);
        }
    }
}

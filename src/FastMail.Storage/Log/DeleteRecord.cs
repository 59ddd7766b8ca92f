using System.Buffers.Binary;
using FASTER.core;

namespace FastMail.Storage.Log;

/// <summary>Removes messages from one mailbox: [version][kind=Delete][(u16 + UTF-8) mailbox][count i32][message id i64 per message].</summary>
internal readonly struct DeleteRecord : ILogEnqueueEntry
{
    private readonly string _mailbox;
    private readonly long[] _ids;

    public DeleteRecord(string mailbox, long[] ids)
    {
        _mailbox = mailbox;
        _ids = ids;
        SerializedLength = RecordFormat.PrefixSize + RecordFormat.MailboxNameSize(mailbox) + sizeof(int) + (ids.Length * sizeof(long));
    }

    public int SerializedLength { get; }

    public void SerializeTo(Span<byte> dest)
    {
        RecordFormat.WritePrefix(dest, RecordKind.Delete);
        var position = RecordFormat.PrefixSize;
        position += RecordFormat.WriteMailboxName(dest[position..], _mailbox);
        BinaryPrimitives.WriteInt32LittleEndian(dest[position..], _ids.Length);
        position += sizeof(int);
        foreach (var id in _ids)
        {
            BinaryPrimitives.WriteInt64LittleEndian(dest[position..], id);
            position += sizeof(long);
        }
    }

    public static long[] Parse(ReadOnlySpan<byte> record, long address, out string mailbox)
    {
        try
        {
            var position = RecordFormat.PrefixSize;
            mailbox = RecordFormat.ReadMailboxName(record, ref position);
            var count = BinaryPrimitives.ReadInt32LittleEndian(record[position..]);
            position += sizeof(int);
            if (count < 0 || record.Length - position != (long)count * sizeof(long))
            {
                throw new InvalidDataException($"Delete record at {address} has a bad id count {count}.");
            }

            var ids = new long[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = BinaryPrimitives.ReadInt64LittleEndian(record[position..]);
                position += sizeof(long);
            }

            return ids;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Delete record at {address} is truncated.", e);
        }
    }
}

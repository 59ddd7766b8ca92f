using System.Buffers.Binary;
using System.Text;

namespace FastMail.Storage.Log;

/// <summary>
/// Byte layout shared by all records, little-endian: [version u8][kind u8][kind-specific fields].
/// A new layout gets a new version; replay refuses versions it does not know rather than skip them,
/// because skipping a delete record would bring deleted mail back.
/// </summary>
internal static class RecordFormat
{
    /// <summary>The first layout: chunk, commit, delete and moved records. Still written for those kinds.</summary>
    public const byte Version = 1;

    /// <summary>
    /// The records that carry the SMTP envelope (<see cref="RecordKind.CommitWithEnvelope"/>, <see cref="RecordKind.MovedWithEnvelope"/>).
    /// A build that knows only version 1 refuses to open a log holding them instead of taking them for damage and
    /// dropping their page.
    /// </summary>
    public const byte EnvelopeVersion = 2;

    /// <summary>
    /// The outbound queue's state records (<see cref="RecordKind.QueueState"/>): a build that knows only versions 1 and 2
    /// refuses to open a log holding them rather than drop their page as damage.
    /// </summary>
    public const byte QueueVersion = 3;

    public const int PrefixSize = 2;

    /// <summary>FASTER's own per-entry header with <c>LogChecksumType.PerEntry</c>: length (4) + checksum (8).</summary>
    public const int FasterEntryHeaderSize = 12;

    /// <summary>
    /// Bytes at the start of the log that FASTER never hands out (its first valid address is 64; lower addresses are
    /// sentinels), so the first page holds that much less than the others: a record that must fit in any page must fit there.
    /// </summary>
    public const int FasterFirstPageReserve = 64;

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void WritePrefix(Span<byte> destination, RecordKind kind)
    {
        destination[0] = kind switch
        {
            RecordKind.CommitWithEnvelope or RecordKind.MovedWithEnvelope => EnvelopeVersion,
            RecordKind.QueueState => QueueVersion,
            _ => Version,
        };
        destination[1] = (byte)kind;
    }

    /// <summary>Reads the prefix; throws on a version or kind this code does not understand.</summary>
    public static RecordKind ReadPrefix(ReadOnlySpan<byte> record, long address)
    {
        if (record.Length < PrefixSize)
        {
            throw new InvalidDataException($"Log record at {address} is {record.Length} bytes, shorter than its prefix.");
        }

        if (!IsKnownVersion(record[0]))
        {
            throw new InvalidDataException($"Log record at {address} has format version {record[0]}; this build reads versions {Version} to {QueueVersion}.");
        }

        var kind = (RecordKind)record[1];
        if (kind is not (RecordKind.Chunk or RecordKind.Commit or RecordKind.Delete or RecordKind.Moved or RecordKind.CommitWithEnvelope or RecordKind.MovedWithEnvelope or RecordKind.QueueState))
        {
            throw new InvalidDataException($"Log record at {address} has unknown kind {record[1]}.");
        }

        return kind;
    }

    public static bool IsKnownVersion(byte version) => version is Version or EnvelopeVersion or QueueVersion;

    /// <summary>Size of a mailbox name as written: u16 byte count + UTF-8 bytes.</summary>
    public static int MailboxNameSize(string mailbox)
    {
        var count = StrictUtf8.GetByteCount(mailbox);
        if (count is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"Mailbox name must be 1 to {ushort.MaxValue} UTF-8 bytes.", nameof(mailbox));
        }

        return sizeof(ushort) + count;
    }

    public static int WriteMailboxName(Span<byte> destination, string mailbox)
    {
        var count = StrictUtf8.GetBytes(mailbox, destination[sizeof(ushort)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)count);
        return sizeof(ushort) + count;
    }

    public static void SkipMailboxName(ReadOnlySpan<byte> source, ref int position) =>
        position += sizeof(ushort) + BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);

    public static string ReadMailboxName(ReadOnlySpan<byte> source, ref int position)
    {
        var count = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += sizeof(ushort);
        var name = StrictUtf8.GetString(source.Slice(position, count));
        position += count;
        return name;
    }
}

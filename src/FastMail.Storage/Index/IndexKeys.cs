using System.Buffers.Binary;
using System.Text;

namespace FastMail.Storage.Index;

/// <summary>
/// The index's key space. Every key starts with one byte naming its kind; fixed-size parts come before a mailbox name,
/// so no two kinds or names can produce the same bytes. Layout and costs: docs/ARCHITECTURE.md.
/// <list type="bullet">
/// <item><c>M</c> + name: the mailbox record (<see cref="MailboxRecord"/>).</item>
/// <item><c>E</c> + sequence (i64) + name: one entry of that mailbox (<see cref="MailboxEntry"/>).</item>
/// <item><c>B</c> + message id (i64): the message record, where its body is and which mailboxes list it (<see cref="MessageRecord"/>).</item>
/// <item><c>G</c>: store totals (<see cref="IndexTotals"/>); <c>C</c>: the mail log address the last checkpoint covers.</item>
/// <item><c>Q</c> + message id (i64): the delivery state of a message in the outbound queue mailbox (opaque bytes of the
/// queue's format); the message's listing in that mailbox is committed with the message, this state by later records.</item>
/// </list>
/// </summary>
internal static class IndexKeys
{
    public const byte MailboxKind = (byte)'M';
    public const byte EntryKind = (byte)'E';
    public const byte MessageKind = (byte)'B';
    public const byte TotalsKind = (byte)'G';
    public const byte CoveredKind = (byte)'C';
    public const byte QueueKind = (byte)'Q';

    /// <summary>Longest mailbox name the index takes, in UTF-8 bytes (an address is at most 254).</summary>
    public const int MaxNameBytes = 512;

    /// <summary>Room for the longest key.</summary>
    public const int MaxKeySize = 1 + sizeof(long) + MaxNameBytes;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ReadOnlySpan<byte> Totals => "G"u8;

    public static ReadOnlySpan<byte> Covered => "C"u8;

    public static int Mailbox(Span<byte> destination, string mailbox)
    {
        destination[0] = MailboxKind;
        return 1 + Name(destination[1..], mailbox);
    }

    public static int Entry(Span<byte> destination, string mailbox, long sequence)
    {
        destination[0] = EntryKind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], sequence);
        return 1 + sizeof(long) + Name(destination[(1 + sizeof(long))..], mailbox);
    }

    public static int Message(Span<byte> destination, long id)
    {
        destination[0] = MessageKind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], id);
        return 1 + sizeof(long);
    }

    public static int Queue(Span<byte> destination, long id)
    {
        destination[0] = QueueKind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], id);
        return 1 + sizeof(long);
    }

    private static int Name(Span<byte> destination, string mailbox)
    {
        if (StrictUtf8.GetByteCount(mailbox) is var count && count is 0 or > MaxNameBytes)
        {
            throw new ArgumentException($"Mailbox name must be 1 to {MaxNameBytes} UTF-8 bytes.", nameof(mailbox));
        }

        return StrictUtf8.GetBytes(mailbox, destination);
    }
}

using System.Buffers;
using FastMail.Core.Protocol;
using CoreReplyWriter = FastMail.Core.Protocol.ReplyWriter;

namespace FastMail.Smtp.Replies;

/// <summary>
/// The SMTP replies composed per message (RCPT's address replies, DATA's queue id), written with the shared
/// <see cref="CoreReplyWriter"/> straight into the connection's buffer writer, without intermediate strings.
/// </summary>
internal static class ReplyWriter
{
    /// <summary>Writes "prefix local@domain suffix": the address replies of RCPT (550, 553, 554).</summary>
    public static void WriteAddressReply(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> address, ReadOnlySpan<byte> suffix) =>
        output.WriteQuoting(prefix, address, suffix);

    /// <summary>Writes "250 2.0.0 Ok: queued as ID".</summary>
    public static void WriteQueued(IBufferWriter<byte> output, long queueId)
    {
        output.Write(SmtpReplies.QueuedAsPrefix);
        var span = output.GetSpan(QueueIds.FormattedLength + 2);
        var length = QueueIds.Format(queueId, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        output.Advance(length + 2);
    }
}

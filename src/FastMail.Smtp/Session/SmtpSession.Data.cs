using System.Buffers;
using FastMail.Core.Diagnostics;
using FastMail.Core.Services;
using FastMail.Core.Storage;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// DATA (RFC 5321 4.1.1.4): trace headers, the message text streamed into the store in chunks, and the reply after
/// the terminator. Nothing is visible in a mailbox until the store's commit completes (DESIGN contracts 1 and 2).
/// </summary>
internal sealed partial class SmtpSession
{
    // Made at the session's first message, not with the session: an idle connection then costs 8.3 KiB of server RSS
    // instead of 24.9 KiB (CONNECTIONS=18000 scripts/idle-memory). The session is pooled, so a steady stream of messages
    // still allocates nothing.
    private byte[]? _dataOut;

    private byte[] DataOut => _dataOut ??= new byte[_dataOutLength];

    private ProcessResult StartData(ReadOnlySpan<byte> arguments)
    {
        if (!arguments.IsEmpty)
        {
            return Error(SmtpReplies.DataSyntax);
        }

        _dataStarted = _context.Time.GetTimestamp();
        _dataReceived = 0;
        var failure = BeginMessageWithTrace();
        if (failure != DataFailure.None)
        {
            _context.Metrics.MessageRejected(failure == DataFailure.StorageFull ? RejectReason.DiskFull : RejectReason.TempFailure);
            return Reply(failure == DataFailure.StorageFull ? SmtpReplies.StorageFull : SmtpReplies.StoreFailed);
        }

        _mode = ReceiveMode.Data;
        return Reply(SmtpReplies.StartData);
    }

    /// <summary>
    /// Opens the message in the store and writes the trace headers first: the start of DATA and of a transaction's first
    /// BDAT chunk. Returns the failure when the store refused (the message is then not open).
    /// </summary>
    private DataFailure BeginMessageWithTrace()
    {
        _queueId = QueueIds.Next();
        _envelope.QueueId = _queueId;
        _messageSize = 0;
        _dataFailure = DataFailure.None;
        _scanner.Reset();
        try
        {
            _message = _context.Delivery.BeginMessage();
            var length = TraceHeaders.Write(DataOut, new TraceHeaders.Fields(
                _envelope.Sender,
                _helo.Span,
                _remoteLiteral.AsSpan(0, _remoteLiteralLength),
                _context.Replies.HostName,
                Protocol(),
                _tlsDescription.AsSpan(0, _tlsDescriptionLength),
                _markUnauthenticated,
                _queueId,
                _envelope.RecipientCount == 1 ? _envelope[0].Address : default,
                _context.Time.GetUtcNow()));
            _message.Write(DataOut.AsSpan(0, length));
        }
        catch (Exception exception)
        {
            SmtpLog.StoreFailed(_context.Logger, exception, _queueId, _remote);
            AbortMessage();
            return exception is StorageFullException ? DataFailure.StorageFull : DataFailure.StoreFailed;
        }

        return DataFailure.None;
    }

    /// <summary>Feeds the buffer through the scanner into the store. True once the terminator was consumed.</summary>
    private bool ScanData(ref ReadOnlySequence<byte> buffer)
    {
        long consumed = 0;
        var done = false;
        foreach (var segment in buffer)
        {
            var span = segment.Span;
            while (!span.IsEmpty && !done)
            {
                done = _scanner.Scan(span, DataOut, out var used, out var written);
                span = span[used..];
                consumed += used;
                if (written > 0)
                {
                    Deliver(DataOut.AsSpan(0, written));
                }
            }

            if (done)
            {
                break;
            }
        }

        buffer = buffer.Slice(consumed);
        _dataReceived += consumed;
        return done;
    }

    private void Deliver(ReadOnlySpan<byte> text)
    {
        _messageSize += text.Length;
        if (_message is null)
        {
            return;
        }

        if (_messageSize > _context.Options.MaxMessageSize)
        {
            // Keep reading to the terminator, store nothing, answer 552 after it (RFC 1870 6.3).
            _dataFailure = DataFailure.TooBig;
            _mode = Draining();
            AbortMessage();
            return;
        }

        try
        {
            _message.Write(text);
        }
        catch (Exception exception)
        {
            SmtpLog.StoreFailed(_context.Logger, exception, _queueId, _remote);
            _dataFailure = exception is StorageFullException ? DataFailure.StorageFull : DataFailure.StoreFailed;
            _mode = Draining();
            AbortMessage();
        }
    }

    // Text after a failure is still read to its end: the DATA terminator, or the end of the BDAT chunk.
    private ReceiveMode Draining() => _mode == ReceiveMode.Chunk ? ReceiveMode.DrainChunk : ReceiveMode.DrainData;

    /// <summary>After the terminator (or BDAT LAST): either the message goes to the store, or it is refused and the session goes on.</summary>
    private ProcessResult FinishData()
    {
        _mode = ReceiveMode.Command;
        ReadOnlySpan<byte> refusal;
        string reason;
        if (_dataFailure == DataFailure.TooBig)
        {
            refusal = SmtpReplies.MessageTooBig;
            reason = "over the size limit";
        }
        else if (_dataFailure == DataFailure.StoreFailed)
        {
            refusal = SmtpReplies.StoreFailed;
            reason = "store failed";
        }
        else if (_dataFailure == DataFailure.StorageFull)
        {
            refusal = SmtpReplies.StorageFull;
            reason = "storage full";
        }
        else if (_scanner.SawBareLineBreak)
        {
            refusal = SmtpReplies.BareLineBreak;
            reason = "bare CR or LF";
        }
        else if (_context.Delivery.CheckMessage(_envelope, _message?.Length ?? _messageSize) == MessageVerdict.Deliver)
        {
            return ProcessResult.Commit;
        }
        else
        {
            refusal = SmtpReplies.MailboxFullAfterData;
            reason = "every recipient over quota";
        }

        SmtpLog.MessageRejected(_context.Logger, _queueId, _remote, reason);
        _context.Metrics.MessageRejected(DataRejectReason());
        AbortMessage();
        var result = Reply(refusal);
        LogTransactionEnded(accepted: false, refusal);
        ResetTransaction();
        return result;
    }

    /// <summary>Answers the end of DATA (or BDAT LAST) once the store's commit finished: 250 only when the message is durable.</summary>
    private void EndCommit(IMessageWriter message, long storeId, Exception? failure)
    {
        message.Dispose();
        if (failure is null)
        {
            SmtpLog.MessageAccepted(_context.Logger, _queueId, _remote, _messageSize, _envelope.Targets.Count, storeId);
            QueueIds.WriteQueuedReply(Output, _queueId);
            LogTransactionEnded(accepted: true, default);
            _context.Metrics.MessageAccepted(_messageSize);
        }
        else
        {
            SmtpLog.StoreFailed(_context.Logger, failure, _queueId, _remote);
            var reply = failure is StorageFullException ? SmtpReplies.StorageFull : SmtpReplies.StoreFailed;
            _ = Reply(reply);
            LogTransactionEnded(accepted: false, reply);
            _context.Metrics.MessageRejected(failure is StorageFullException ? RejectReason.DiskFull : RejectReason.TempFailure);
        }

        ResetTransaction();
    }

    /// <summary>
    /// Slowloris defence: once the grace period is over, the average rate since 354 must reach
    /// <see cref="SmtpOptions.MinDataRate"/>. The per-read <see cref="SmtpOptions.DataTimeout"/> alone lets a client
    /// that sends a byte every few minutes hold the connection for days.
    /// </summary>
    private bool DataTooSlow()
    {
        if (_context.Options.MinDataRate <= 0)
        {
            return false;
        }

        var elapsed = _context.Time.GetElapsedTime(_dataStarted);
        return elapsed > _context.Options.MinDataRateGracePeriod && _dataReceived < _context.Options.MinDataRate * elapsed.TotalSeconds;
    }

    // RFC 3848: ESMTP plus S for TLS and A for AUTH; plain SMTP after HELO.
    private ReadOnlySpan<byte> Protocol()
    {
        if (!_extended)
        {
            return "SMTP"u8;
        }

        return (_secure, _user is not null) switch
        {
            (true, true) => "ESMTPSA"u8,
            (true, false) => "ESMTPS"u8,
            (false, true) => "ESMTPA"u8,
            _ => "ESMTP"u8,
        };
    }

    /// <summary>Disposes an uncommitted message: the store discards it (nothing half-written becomes visible).</summary>
    private void AbortMessage()
    {
        var message = _message;
        _message = null;
        message?.Dispose();
    }
}

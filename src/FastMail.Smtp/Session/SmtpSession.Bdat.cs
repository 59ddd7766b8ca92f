using System.Buffers;
using System.Buffers.Text;
using FastMail.Smtp.Parsing;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// CHUNKING (RFC 3030): <c>BDAT size [LAST]</c> and exactly <c>size</c> octets of message, streamed into the same
/// message writer as DATA (trace headers first, no dot-unstuffing, no terminator to look for), one reply per chunk.
/// Every chunk whose size can be read is read to its end, even when the BDAT is refused, so the octets are never taken
/// for commands (RFC 3030 2). A failed chunk ends the transaction: chunks the client had already pipelined behind it
/// then get 503 and are discarded, and LAST commits exactly like the end of DATA.
/// </summary>
internal sealed partial class SmtpSession
{
    private long _chunkSize;
    private long _chunkRemaining;
    private bool _chunkLast;
    private ChunkRefusal _chunkRefusal;

    /// <summary>The reply a refused BDAT gets once its chunk was discarded.</summary>
    private enum ChunkRefusal : byte
    {
        None,
        Syntax,
        NeedMail,
        NeedRcpt,
    }

    private ProcessResult Bdat(ReadOnlySpan<byte> arguments)
    {
        var status = BdatArguments.Parse(arguments, out var size, out var last);
        if (status == BdatStatus.SizeUnreadable)
        {
            // RFC 3030 2: with no size the end of the chunk cannot be found; whatever follows is not safe to read as commands.
            Output.Write(SmtpReplies.BdatSizeUnreadable);
            return ProcessResult.Close;
        }

        _chunkSize = size;
        _chunkRemaining = size;
        _chunkLast = last;
        _dataStarted = _context.Time.GetTimestamp();
        _dataReceived = 0;

        var sequence = SmtpStateTable.Check(SmtpVerb.Bdat, _transaction);
        _chunkRefusal = status == BdatStatus.Syntax ? ChunkRefusal.Syntax
            : sequence == SequenceError.NeedMail ? ChunkRefusal.NeedMail
            : sequence == SequenceError.NeedRcpt ? ChunkRefusal.NeedRcpt
            : ChunkRefusal.None;
        if (_chunkRefusal != ChunkRefusal.None)
        {
            _mode = ReceiveMode.DrainChunk;
            return ProcessResult.Continue;
        }

        if (_transaction != TransactionState.Chunking)
        {
            // The transaction's first chunk: what DATA does before its 354.
            _transaction = TransactionState.Chunking;
            _dataFailure = BeginMessageWithTrace();
            if (_dataFailure != DataFailure.None)
            {
                _mode = ReceiveMode.DrainChunk;
                return ProcessResult.Continue;
            }
        }

        if (size > _context.Options.MaxMessageSize - _messageSize)
        {
            // RFC 1870 6.3 as for DATA: nothing of an oversized message is stored; 552 once the chunk was read.
            _dataFailure = DataFailure.TooBig;
            AbortMessage();
            _mode = ReceiveMode.DrainChunk;
            return ProcessResult.Continue;
        }

        _mode = ReceiveMode.Chunk;
        return ProcessResult.Continue;
    }

    /// <summary>
    /// Streams what the buffer holds of the current chunk into the store, straight from the receive buffer's segments.
    /// True once the chunk's last octet was consumed.
    /// </summary>
    private bool ReadChunk(ref ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(_chunkRemaining, buffer.Length);
        if (take == 0)
        {
            return _chunkRemaining == 0;
        }

        var chunk = buffer.Slice(0, take);
        foreach (var segment in chunk)
        {
            // Deliver switches to DrainChunk when the store fails; the rest of the chunk is then only counted.
            if (_mode != ReceiveMode.Chunk)
            {
                break;
            }

            if (!segment.IsEmpty)
            {
                Deliver(segment.Span);
            }
        }

        buffer = buffer.Slice(chunk.End);
        _chunkRemaining -= take;
        _dataReceived += take;
        return _chunkRemaining == 0;
    }

    /// <summary>After a chunk's last octet: its reply, or for LAST (or a failure) what the end of DATA answers.</summary>
    private ProcessResult FinishChunk()
    {
        _mode = ReceiveMode.Command;
        switch (_chunkRefusal)
        {
            case ChunkRefusal.Syntax:
                // The client takes the transaction as failed (RFC 3030 2), so a message in progress must not go on.
                if (_transaction == TransactionState.Chunking)
                {
                    LogTransactionAbandoned("BDAT-syntax-error");
                    ResetTransaction();
                }

                return Error(SmtpReplies.BdatSyntax);
            case ChunkRefusal.NeedMail:
                return Error(SmtpReplies.NeedMail);
            case ChunkRefusal.NeedRcpt:
                return Error(SmtpReplies.NeedRcpt);
        }

        if (_dataFailure != DataFailure.None || _chunkLast)
        {
            // 552, 451/452 (the transaction ends), or the quota check and the commit of the whole message.
            return FinishData();
        }

        // RFC 3030 2: "250 2.0.0 <size> octets received", with the size formatted straight into the output.
        Output.Write(SmtpReplies.ChunkReceivedPrefix);
        var span = Output.GetSpan(20);
        Utf8Formatter.TryFormat(_chunkSize, span, out var written);
        Output.Advance(written);
        Output.Write(SmtpReplies.ChunkReceivedSuffix);
        return ProcessResult.Continue;
    }

    private void ResetChunk()
    {
        _chunkSize = 0;
        _chunkRemaining = 0;
        _chunkLast = false;
        _chunkRefusal = ChunkRefusal.None;
    }
}

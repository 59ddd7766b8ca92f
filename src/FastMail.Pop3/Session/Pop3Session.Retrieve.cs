using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastMail.Pop3.Output;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>RETR and TOP (RFC 1939 5 and 7): the message streamed from the store, byte-stuffed, never held whole.</summary>
internal sealed partial class Pop3Session
{
    private const int ChunkSize = 16 * 1024;

    private ValueTask Retr(ReadOnlySpan<byte> arguments)
    {
        if (!TryResolveOnlyMessage(arguments, out var index))
        {
            return default;
        }

        // RFC 1939 5: the size is the message's, before byte-stuffing, the same figure STAT and LIST report.
        var size = _mailbox!.GetSize(index);
        _retrieved++;
        _retrievedBytes += size;
        _output.Write(Pop3Replies.OkPrefix);
        _output.WriteNumber(size);
        _output.Write(Pop3Replies.OctetsLine);
        return SendMessageAsync(new MessageStream(index, bodyLines: -1), BodyOutput);
    }

    private ValueTask Top(ReadOnlySpan<byte> arguments)
    {
        var rest = arguments;
        if (!ArgumentReader.TryReadToken(ref rest, out var number) || !ArgumentReader.TryReadToken(ref rest, out var lines)
            || !ArgumentReader.IsEnd(rest) || !ArgumentReader.TryParseNumber(lines, out var bodyLines))
        {
            // RFC 1939 7: both arguments are required and n must be non-negative.
            WriteError(Pop3Replies.SyntaxError);
            return default;
        }

        if (!TryResolveMessage(number, out var index))
        {
            return default;
        }

        _topCount++;
        _output.Write(Pop3Replies.TopFollows);
        return SendMessageAsync(new MessageStream(index, bodyLines), BodyOutput);
    }

    /// <summary>
    /// Streams the message through a pooled chunk. Runs synchronously while the store and the output complete at once
    /// (no state machine, no allocation); the first read or flush that has to wait hands over to an async continuation.
    /// </summary>
    private ValueTask SendMessageAsync(MessageStream stream, PipeWriter output)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var handedOver = false;
        try
        {
            while (true)
            {
                var read = _mailbox!.ReadAsync(stream.Index, stream.Offset, chunk, _shutdown);
                if (!read.IsCompletedSuccessfully)
                {
                    handedOver = true;
                    return ContinueAfterReadAsync(stream, chunk, read, output);
                }

                if (stream.Accept(read.Result, chunk, output))
                {
                    stream.Complete(output);
                    return default;
                }

                if (stream.TakeFlushDue())
                {
                    var flush = FlushAsync();
                    if (!flush.IsCompletedSuccessfully)
                    {
                        handedOver = true;
                        return ContinueAfterFlushAsync(stream, chunk, flush, output);
                    }

                    if (!flush.Result)
                    {
                        return default;
                    }
                }
            }
        }
        finally
        {
            if (!handedOver)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ContinueAfterReadAsync(MessageStream stream, byte[] chunk, ValueTask<int> pendingRead, PipeWriter output)
    {
        try
        {
            var read = await pendingRead;
            while (!stream.Accept(read, chunk, output))
            {
                if (stream.TakeFlushDue() && !await FlushAsync())
                {
                    return;
                }

                read = await _mailbox!.ReadAsync(stream.Index, stream.Offset, chunk, _shutdown);
            }

            stream.Complete(output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ContinueAfterFlushAsync(MessageStream stream, byte[] chunk, ValueTask<bool> pendingFlush, PipeWriter output)
    {
        if (!await pendingFlush)
        {
            ArrayPool<byte>.Shared.Return(chunk);
            return;
        }

        await ContinueAfterReadAsync(stream, chunk, _mailbox!.ReadAsync(stream.Index, stream.Offset, chunk, _shutdown), output);
    }
}

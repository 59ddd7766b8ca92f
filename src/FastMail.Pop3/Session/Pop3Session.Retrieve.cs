using System.Buffers;
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
        _output.Write(Pop3Replies.OkPrefix);
        _output.WriteNumber(_mailbox!.GetSize(index));
        _output.Write(Pop3Replies.OctetsLine);
        return SendMessageAsync(index, bodyLines: -1);
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

        _output.Write(Pop3Replies.TopFollows);
        return SendMessageAsync(index, bodyLines);
    }

    /// <summary>Streams message <paramref name="index"/> (all of it, or TOP's part when <paramref name="bodyLines"/> ≥ 0) and the terminator.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendMessageAsync(int index, int bodyLines)
    {
        var mailbox = _mailbox!;
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var stuffer = default(ByteStuffer);
            var top = new TopFilter(bodyLines);
            long offset = 0;
            var unflushed = 0;
            while (true)
            {
                var read = await mailbox.ReadAsync(index, offset, chunk, _shutdown);
                if (read == 0)
                {
                    break;
                }

                offset += read;
                var send = bodyLines < 0 ? read : top.Take(chunk.AsSpan(0, read));
                stuffer.Write(chunk.AsSpan(0, send), _output);
                if (bodyLines >= 0 && top.IsDone)
                {
                    break;
                }

                // Hand every chunk's worth to the client before reading on, however the store splits its reads:
                // memory stays bounded by the chunk, and a small message still leaves in the batch's single flush.
                unflushed += send;
                if (unflushed >= ChunkSize)
                {
                    unflushed = 0;
                    if (!await FlushAsync())
                    {
                        return;
                    }
                }
            }

            stuffer.Complete(_output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

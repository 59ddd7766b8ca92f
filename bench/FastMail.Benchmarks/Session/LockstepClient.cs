using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// The client end of an <see cref="InMemoryConnection"/>: sends a command, waits for the whole reply, like a client that
/// does not pipeline (so every command takes one read, one dispatch and one flush in the session). Checks the first
/// byte of each reply so a benchmark that silently got errors fails instead of measuring them. Allocation-free in the
/// steady state (pooled async builders), so what the benchmarks report is the server's allocation.
/// </summary>
internal sealed class LockstepClient(PipeReader input, PipeWriter output)
{
    /// <summary>How the end of a reply is recognised.</summary>
    public enum Reply : byte
    {
        /// <summary>POP3 single line: up to the first LF.</summary>
        Pop3Line,

        /// <summary>POP3 multi-line (RETR, LIST, UIDL): up to CRLF "." CRLF, or one line when it is an -ERR.</summary>
        Pop3MultiLine,

        /// <summary>SMTP: lines "ddd-text" continue, the line "ddd text" ends the reply (RFC 5321 4.2.1).</summary>
        Smtp,
    }

    /// <summary>Writes <paramref name="command"/> (with its CRLF), sends it and awaits the reply, which must start with <paramref name="expected"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> command, Reply reply, byte expected)
    {
        output.Write(command.Span);
        await output.FlushAsync();
        await ExpectAsync(reply, expected);
    }

    /// <summary>Awaits one reply (e.g. the greeting) that must start with <paramref name="expected"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ExpectAsync(Reply reply, byte expected)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            if (TryTakeReply(ref buffer, reply, out var first))
            {
                input.AdvanceTo(buffer.Start);
                if (first != expected)
                {
                    throw new InvalidOperationException($"Reply starting with '{(char)first}' where '{(char)expected}' was expected.");
                }

                return;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The server closed the connection before the reply ended.");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Ends the client side (after the final reply) so the session sees the hang-up and the pipes can be reset.</summary>
    public void Complete()
    {
        input.Complete();
        output.Complete();
    }

    private static bool TryTakeReply(ref ReadOnlySequence<byte> buffer, Reply reply, out byte first)
    {
        first = buffer.IsEmpty ? (byte)0 : buffer.FirstSpan[0];
        var reader = new SequenceReader<byte>(buffer);
        switch (reply)
        {
            case Reply.Pop3Line:
                if (!reader.TryAdvanceTo((byte)'\n'))
                {
                    return false;
                }

                break;
            case Reply.Pop3MultiLine:
                if (first == (byte)'-')
                {
                    goto case Reply.Pop3Line;
                }

                // The status line's CRLF counts as the CRLF before the dot, so an empty listing "+OK\r\n.\r\n" ends too.
                if (!reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n.\r\n"u8))
                {
                    return false;
                }

                break;
            case Reply.Smtp:
                while (true)
                {
                    var lineStart = reader.Position;
                    if (!reader.TryAdvanceTo((byte)'\n'))
                    {
                        return false;
                    }

                    // "250-" continues the reply, "250 " ends it.
                    var line = buffer.Slice(lineStart, reader.Position);
                    if (line.Length < 4 || line.Slice(3, 1).FirstSpan[0] != (byte)'-')
                    {
                        break;
                    }
                }

                break;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }
}

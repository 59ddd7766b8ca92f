using System.Buffers;
using System.Runtime.CompilerServices;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>The TRANSACTION state's listing and marking commands (RFC 1939 5 and 7): STAT, LIST, UIDL, DELE, RSET.</summary>
internal sealed partial class Pop3Session
{
    // Long listings are flushed every this many lines, so a huge mailbox never sits whole in the output buffer.
    private const int ListingLinesPerFlush = 2048;

    private void Stat()
    {
        // RFC 1939 5: messages marked as deleted are not counted.
        _output.Write(Pop3Replies.OkPrefix);
        _output.WritePair(_marks.LiveCount, _marks.LiveSize);
    }

    private ValueTask List(ReadOnlySpan<byte> arguments)
    {
        if (ArgumentReader.IsEnd(arguments))
        {
            _output.Write(Pop3Replies.OkPrefix);
            _output.WriteNumber(_marks.LiveCount);
            _output.Write(Pop3Replies.MessagesOpen);
            _output.WriteNumber(_marks.LiveSize);
            _output.Write(Pop3Replies.OctetsClose);
            return WriteListingAsync(uniqueIds: false);
        }

        if (TryResolveOnlyMessage(arguments, out var index))
        {
            _output.Write(Pop3Replies.OkPrefix);
            _output.WritePair(index + 1, _mailbox!.GetSize(index));
        }

        return default;
    }

    private ValueTask Uidl(ReadOnlySpan<byte> arguments)
    {
        if (ArgumentReader.IsEnd(arguments))
        {
            _output.Write(Pop3Replies.UniqueIdsFollow);
            return WriteListingAsync(uniqueIds: true);
        }

        if (TryResolveOnlyMessage(arguments, out var index))
        {
            // RFC 1939 7: the unique-id is the store's message id in decimal: stable, never reused, 0x21-0x7E only.
            _output.Write(Pop3Replies.OkPrefix);
            _output.WritePair(index + 1, _mailbox!.GetId(index));
        }

        return default;
    }

    /// <summary>Writes the scan or unique-id lines from message index <paramref name="start"/> on, and the terminator.</summary>
    private ValueTask WriteListingAsync(bool uniqueIds, int start = 0)
    {
        var mailbox = _mailbox!;
        var lines = 0;
        for (var index = start; index < _marks.MessageCount; index++)
        {
            if (_marks.IsDeleted(index))
            {
                continue;
            }

            _output.WritePair(index + 1, uniqueIds ? mailbox.GetId(index) : mailbox.GetSize(index));
            if (++lines == ListingLinesPerFlush)
            {
                var flush = FlushAsync();
                if (!flush.IsCompletedSuccessfully)
                {
                    return ContinueListingAsync(flush, uniqueIds, index + 1);
                }

                if (!flush.Result)
                {
                    return default;
                }

                lines = 0;
            }
        }

        _output.Write(Pop3Replies.Terminator);
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ContinueListingAsync(ValueTask<bool> flush, bool uniqueIds, int next)
    {
        if (await flush)
        {
            await WriteListingAsync(uniqueIds, next);
        }
    }

    private void Dele(ReadOnlySpan<byte> arguments)
    {
        if (!TryResolveOnlyMessage(arguments, out var index))
        {
            return;
        }

        // RFC 1939 5: DELE only marks; the message is removed in UPDATE, after QUIT.
        _marks.Mark(index, _mailbox!.GetSize(index));
        _output.Write(Pop3Replies.MessageWord);
        _output.WriteNumber(index + 1);
        _output.Write(Pop3Replies.DeletedLine);
    }

    private void Rset()
    {
        _marks.UnmarkAll();
        _output.Write(Pop3Replies.MaildropHas);
        _output.WriteNumber(_marks.LiveCount);
        _output.Write(Pop3Replies.MessagesOpen);
        _output.WriteNumber(_marks.LiveSize);
        _output.Write(Pop3Replies.OctetsClose);
    }

    /// <summary>Resolves an argument list that must be exactly one message number.</summary>
    private bool TryResolveOnlyMessage(ReadOnlySpan<byte> arguments, out int index)
    {
        var rest = arguments;
        if (!ArgumentReader.TryReadToken(ref rest, out var number) || !ArgumentReader.IsEnd(rest))
        {
            index = -1;
            WriteError(Pop3Replies.SyntaxError);
            return false;
        }

        return TryResolveMessage(number, out index);
    }

    /// <summary>
    /// Turns a 1-based message number into a mailbox index, or writes the -ERR: syntax, no such message, or
    /// already deleted (RFC 1939 5: a deleted message may not be referred to).
    /// </summary>
    private bool TryResolveMessage(ReadOnlySpan<byte> number, out int index)
    {
        index = -1;
        if (!ArgumentReader.TryParseNumber(number, out var messageNumber))
        {
            WriteError(Pop3Replies.SyntaxError);
            return false;
        }

        if (messageNumber < 1 || messageNumber > _marks.MessageCount)
        {
            WriteError(Pop3Replies.NoSuchMessage);
            return false;
        }

        if (_marks.IsDeleted(messageNumber - 1))
        {
            if (!CountError())
            {
                _output.Write(Pop3Replies.AlreadyDeletedPrefix);
                _output.WriteNumber(messageNumber);
                _output.Write(Pop3Replies.AlreadyDeletedSuffix);
            }

            return false;
        }

        index = messageNumber - 1;
        return true;
    }
}

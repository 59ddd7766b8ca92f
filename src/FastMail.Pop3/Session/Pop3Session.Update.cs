using System.Buffers;
using System.Runtime.CompilerServices;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>
/// The UPDATE state (RFC 1939 6): QUIT in TRANSACTION removes the marked messages durably, then answers +OK.
/// Every other way out (hang-up, timeout, shutdown) only releases the lock (contract 3).
/// </summary>
internal sealed partial class Pop3Session
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EnterUpdateAsync()
    {
        _state = Pop3State.Update;
        _mode = Pop3ReceiveMode.Closing;
        var mailbox = _mailbox!;
        var count = _marks.DeletedCount;
        if (count > 0)
        {
            var indexes = ArrayPool<int>.Shared.Rent(count);
            try
            {
                _marks.CopyMarked(indexes);
                await mailbox.CommitDeletesAsync(indexes.AsMemory(0, count), _shutdown);
            }
            catch (Exception exception)
            {
                // RFC 1939 6: report the failure; nothing is claimed as removed.
                _end = SessionEnd.UpdateFailed;
                Pop3Log.CommitFailed(_logger, exception, count, mailbox.Mailbox);
                await ReleaseMailboxAsync();
                _output.Write(Pop3Replies.CommitFailed);
                return;
            }
            finally
            {
                ArrayPool<int>.Shared.Return(indexes);
            }

            Pop3Log.DeletesCommitted(_logger, count, mailbox.Mailbox);
        }

        _end = SessionEnd.Update;
        _deletedCommitted = count;

        // Release the lock before +OK: a client that reconnects right after the reply must find the mailbox free.
        await ReleaseMailboxAsync();
        if (count == 0)
        {
            _output.Write(Pop3Replies.SigningOff);
            return;
        }

        _output.Write(Pop3Replies.SigningOffDeleted);
        _output.WriteNumber(count);
        _output.Write(Pop3Replies.MessagesDeletedClose);
    }

    private async ValueTask ReleaseMailboxAsync()
    {
        var mailbox = _mailbox;
        if (mailbox is null)
        {
            return;
        }

        _mailbox = null;
        _marks.Reset();
        try
        {
            await mailbox.DisposeAsync();
        }
        catch (Exception exception)
        {
            Pop3Log.ReleaseFailed(_logger, exception, mailbox.Mailbox);
        }
    }
}

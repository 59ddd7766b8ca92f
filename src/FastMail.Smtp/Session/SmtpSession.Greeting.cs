using System.Buffers;
using System.IO.Pipelines;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>The greeting delay (<see cref="SmtpOptions.GreetingDelay"/>) that catches early talkers.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// Waits <see cref="SmtpOptions.GreetingDelay"/> for the client to stay quiet. False when it talked first (it got
    /// 554 5.5.0, RFC 5321 3.1) or hung up: the session ends.
    /// </summary>
    private async Task<bool> WaitBeforeGreetingAsync()
    {
        // A token of its own rather than the session timer: the timer also cancels the next flush, the greeting's.
        var input = _input!;
        ReadResult result;
        using (var delay = new CancellationTokenSource(_context.Options.GreetingDelay, _context.Time))
        {
            try
            {
                result = await input.ReadAsync(delay.Token);
            }
            catch (OperationCanceledException) when (delay.IsCancellationRequested)
            {
                return true; // the client kept quiet
            }
        }

        if (!result.Buffer.IsEmpty)
        {
            input.AdvanceTo(result.Buffer.End);
            _end = SessionEnd.EarlyTalker;
            SmtpLog.EarlyTalker(_context.Logger, _remote);
            Output.Write(SmtpReplies.EarlyTalker);
            await _loop.FlushAsync();
            return false;
        }

        input.AdvanceTo(result.Buffer.Start);
        return !result.IsCompleted;
    }
}

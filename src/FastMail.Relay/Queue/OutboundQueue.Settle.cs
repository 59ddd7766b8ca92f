using FastMail.Relay.Client;
using FastMail.Relay.Dsn;

namespace FastMail.Relay.Queue;

/// <summary>Results: each job's outcome per recipient, then once a message's round is over, DSNs, the saved state or removal.</summary>
public sealed partial class OutboundQueue
{
    private async Task ReportAsync(DeliveryJob job, TransactionResult? result, string? failure, bool permanent, string? host)
    {
        var item = job.Item;
        var now = _time.GetUtcNow();
        bool settle;
        lock (item)
        {
            for (var i = 0; i < job.Recipients.Count; i++)
            {
                var recipient = job.Recipients[i];
                recipient.InFlight = false;
                recipient.Attempts++;
                var outcome = permanent ? DeliveryOutcome.PermanentFailure : DeliveryOutcome.TemporaryFailure;
                var reply = failure ?? "4.4.2 no reply";
                if (result is not null && i < result.Recipients.Count)
                {
                    outcome = result.Recipients[i].Outcome;
                    reply = Describe(result.Recipients[i].Reply);
                }

                recipient.LastReply = reply;
                recipient.LastHost = host;
                switch (outcome)
                {
                    case DeliveryOutcome.Delivered:
                        recipient.State = QueuedRecipientState.Delivered;
                        break;
                    case DeliveryOutcome.PermanentFailure:
                        recipient.State = QueuedRecipientState.Bounced;
                        break;
                    default:
                        if (_schedule.ShouldGiveUp(item.Arrived, now))
                        {
                            recipient.State = QueuedRecipientState.Bounced;
                            recipient.LastReply = $"4.4.7 delivery time expired; last reply: {reply}";
                        }
                        else
                        {
                            recipient.NextAttempt = _schedule.NextAttempt(item.Arrived, recipient.Attempts, now);
                        }

                        break;
                }

                RelayLog.Attempt(_logger, item.Id, recipient.Address, host ?? job.Domain, (now - item.Arrived).TotalSeconds, StatusWord(recipient.State), recipient.LastReply);
                Metrics.Relayed(StatusWord(recipient.State));
            }

            settle = --item.JobsRunning == 0;
        }

        if (settle)
        {
            await SettleAsync(item).ConfigureAwait(false);
        }
    }

    /// <summary>The round of <paramref name="item"/> is over: notify the sender, then save the state or take the message out.</summary>
    private async Task SettleAsync(QueuedItem item)
    {
        var now = _time.GetUtcNow();
        List<QueuedRecipient> bounced, delayed;
        bool done;
        byte[]? state = null;
        lock (item)
        {
            if (item.Deleted)
            {
                item.JobsRunning = 0;
                return;
            }

            bounced = item.Recipients.FindAll(r => r.State == QueuedRecipientState.Bounced && !r.Reported);
            delayed = item.Recipients.FindAll(r => r.State == QueuedRecipientState.Pending && !r.Warned && r.Attempts > 0 && _schedule.ShouldWarn(item.Arrived, now, r.Warned));

            // Marked before sending: a DSN goes out once per recipient and event, also when saving the state fails and repeats.
            bounced.ForEach(r => r.Reported = true);
            delayed.ForEach(r => r.Warned = true);

            done = !item.Recipients.Exists(r => r.State == QueuedRecipientState.Pending);
            if (!done)
            {
                state = QueueStateFormat.Write(item.Arrived, item.Recipients);
            }
        }

        try
        {
            await NotifyAsync(item, bounced, DsnAction.Failed, now).ConfigureAwait(false);
            await NotifyAsync(item, delayed, DsnAction.Delayed, now).ConfigureAwait(false);
            if (done)
            {
                _items.TryRemove(item.Id, out _);
                await _store.RemoveAsync(item.Id, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await _store.SaveStateAsync(item.Id, state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage full or failing: the message stays queued as last saved and is tried again later.
            RelayLog.SettleFailed(_logger, item.Id, e);
            _items.TryAdd(item.Id, item);
        }
        finally
        {
            lock (item)
            {
                item.JobsRunning = 0;
            }
        }

        if (!done || _items.ContainsKey(item.Id))
        {
            Schedule(item.Id, NextDue(item) ?? now.Add(TimeSpan.FromMinutes(1)));
        }
    }

    /// <summary>One DSN to the envelope sender for the recipients whose NOTIFY asks for it; never to the null sender.</summary>
    private async Task NotifyAsync(QueuedItem item, List<QueuedRecipient> recipients, DsnAction action, DateTimeOffset now)
    {
        recipients.RemoveAll(r => !DsnBuilder.ShouldNotify(item.Sender, r.Notify, action));
        if (recipients.Count == 0)
        {
            return;
        }

        var dsn = await Notifications.BuildAsync(item, recipients, action, now, _schedule, _store, _reportingHost, _primaryDomain).ConfigureAwait(false);
        var id = await _submission.SubmitAsync(string.Empty, item.Sender, dsn.Content, dsn.EightBit, CancellationToken.None).ConfigureAwait(false);
        RelayLog.NotificationSent(_logger, item.Id, action.ToString(), item.Sender, id);
    }

    private static string Describe(SmtpReply reply) => $"{reply.Code} {reply.Text.Replace('\n', ' ')}";

    private static string StatusWord(QueuedRecipientState state) => state switch
    {
        QueuedRecipientState.Delivered => "sent",
        QueuedRecipientState.Bounced => "bounced",
        _ => "deferred",
    };
}

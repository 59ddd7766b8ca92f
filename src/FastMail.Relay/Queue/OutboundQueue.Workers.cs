using FastMail.Relay.Client;
using FastMail.Relay.Routing;

namespace FastMail.Relay.Queue;

/// <summary>Delivery jobs: per destination domain a job list and up to the concurrency limit of workers, each with one connection.</summary>
public sealed partial class OutboundQueue
{
    private readonly Dictionary<string, Destination> _destinations = new(StringComparer.Ordinal);
    private readonly List<Task> _workers = [];
    private int _activeWorkers;

    /// <summary>Makes jobs of the item's due recipients, grouped by domain, a transaction's worth each.</summary>
    private void Dispatch(QueuedItem item, DateTimeOffset now)
    {
        var jobs = new List<DeliveryJob>();
        lock (item)
        {
            if (item.JobsRunning > 0 || item.Deleted)
            {
                return;
            }

            var due = item.Recipients.FindAll(r => r.State == QueuedRecipientState.Pending && !r.InFlight && r.NextAttempt <= now);
            if (due.Count == 0)
            {
                if (NextDue(item) is { } next)
                {
                    Schedule(item.Id, next);
                    return;
                }

                // Nothing pending (all delivered or bounced before a crash cut the removal short): settle removes it.
                item.JobsRunning = 1;
                _ = SettleAsync(item);
                return;
            }

            foreach (var group in due.GroupBy(r => r.Domain, StringComparer.Ordinal))
            {
                foreach (var chunk in group.Chunk(_limits.RecipientsPerTransaction))
                {
                    foreach (var recipient in chunk)
                    {
                        recipient.InFlight = true;
                    }

                    jobs.Add(new DeliveryJob(item, group.Key, chunk));
                }
            }

            item.JobsRunning = jobs.Count;
        }

        foreach (var job in jobs)
        {
            Enqueue(job);
        }
    }

    private void Enqueue(DeliveryJob job)
    {
        lock (_destinations)
        {
            if (!_destinations.TryGetValue(job.Domain, out var destination))
            {
                destination = new Destination(job.Domain);
                _destinations.Add(job.Domain, destination);
            }

            destination.Jobs.Enqueue(job);
            StartWorkersLocked(destination);
        }
    }

    private void StartWorkersLocked(Destination destination)
    {
        while (destination.Jobs.Count > destination.Workers && destination.Workers < _limits.DestinationConcurrency && _activeWorkers < _limits.TotalConcurrency)
        {
            destination.Workers++;
            _activeWorkers++;
            _workers.RemoveAll(t => t.IsCompleted);
            _workers.Add(Task.Run(() => RunWorkerAsync(destination), CancellationToken.None));
        }
    }

    private bool TryTakeJob(Destination destination, out DeliveryJob job)
    {
        lock (_destinations)
        {
            if (!_stop.IsCancellationRequested && destination.Jobs.TryDequeue(out job!))
            {
                return true;
            }

            destination.Workers--;
            _activeWorkers--;

            // A freed slot goes to a destination that waited for the total limit.
            foreach (var waiting in _destinations.Values)
            {
                StartWorkersLocked(waiting);
            }

            if (destination.Workers == 0 && destination.Jobs.Count == 0)
            {
                _destinations.Remove(destination.Domain);
            }

            job = null!;
            return false;
        }
    }

    private async Task RunWorkerAsync(Destination destination)
    {
        var stop = _stop.Token;
        SmtpRelayClient? client = null;
        try
        {
            while (TryTakeJob(destination, out var job))
            {
                TransactionResult? result = null;
                string? failure = null;
                var permanent = false;
                try
                {
                    if (client is null || !client.IsUsable)
                    {
                        if (client is not null)
                        {
                            await client.DisposeAsync().ConfigureAwait(false);
                            client = null;
                        }

                        (client, failure, permanent) = await ConnectAsync(destination.Domain, stop).ConfigureAwait(false);
                    }

                    if (client is not null)
                    {
                        result = await client.SendAsync(ToMessage(job), stop).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failure = stop.IsCancellationRequested ? "4.3.2 delivery interrupted by shutdown" : "4.4.2 " + e.Message;
                    permanent = false;
                    if (client is not null)
                    {
                        await client.DisposeAsync().ConfigureAwait(false);
                        client = null;
                    }
                }

                await ReportAsync(job, result, failure, permanent, client?.Hop.Host).ConfigureAwait(false);
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Routes the domain and connects to the first next hop that answers; a failure says whether it is final.</summary>
    private async Task<(SmtpRelayClient? Client, string? Failure, bool Permanent)> ConnectAsync(string domain, CancellationToken cancellationToken)
    {
        var route = await _resolver.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (route.Failure is { } routeFailure)
        {
            return (null, routeFailure, route.IsPermanentFailure);
        }

        string? failure = null;
        foreach (var hop in route.Hops)
        {
            try
            {
                var options = _tlsRequirement.AppliesTo(domain) ? _tlsRequiredOptions : _clientOptions;
                return (await SmtpRelayClient.ConnectAsync(hop, options, cancellationToken).ConfigureAwait(false), null, false);
            }
            catch (SmtpRelayException e)
            {
                // RFC 5321 5.1: on a failure to reach one MX, try the next; the last failure is the one reported.
                failure = $"{hop.Host}[{hop.Address}]:{hop.Port}: {e.Message}";
                RelayLog.HopFailed(_logger, domain, hop.Host, hop.Address.ToString(), hop.Port, e.Message);
            }
        }

        return (null, failure ?? $"4.4.4 no next hop for {domain}", false);
    }

    private OutboundMessage ToMessage(DeliveryJob job)
    {
        var item = job.Item;
        var options = item.Options;
        return new OutboundMessage(item.Sender, job.ToOutbound(), new StoredBody(_store, item.Id, item.Length), options.EightBitMime, options.SmtpUtf8, options.Ret, options.EnvelopeId);
    }

    private async Task WaitForWorkersAsync()
    {
        Task[] running;
        lock (_destinations)
        {
            running = [.. _workers];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private sealed class Destination(string domain)
    {
        public string Domain { get; } = domain;

        public Queue<DeliveryJob> Jobs { get; } = new();

        public int Workers { get; set; }
    }
}

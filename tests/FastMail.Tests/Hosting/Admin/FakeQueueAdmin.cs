using FastMail.Relay.Queue;

namespace FastMail.Tests.Hosting.Admin;

/// <summary>An <see cref="IQueueAdmin"/> over a list, recording what was asked of it.</summary>
internal sealed class FakeQueueAdmin : IQueueAdmin
{
    private readonly Lock _gate = new();

    public List<QueuedMessageInfo> Messages { get; } = [];

    public List<long?> Retried { get; } = [];

    public List<long> Deleted { get; } = [];

    public IReadOnlyList<QueuedMessageInfo> List()
    {
        lock (_gate)
        {
            return [.. Messages];
        }
    }

    public QueuedMessageInfo? Find(long id)
    {
        lock (_gate)
        {
            return Messages.FirstOrDefault(m => m.Id == id);
        }
    }

    public int RetryNow(long? id)
    {
        lock (_gate)
        {
            Retried.Add(id);
            return id is null ? Messages.Count : Messages.Count(m => m.Id == id);
        }
    }

    public ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Deleted.Add(id);
            return ValueTask.FromResult(Messages.RemoveAll(m => m.Id == id) > 0);
        }
    }
}

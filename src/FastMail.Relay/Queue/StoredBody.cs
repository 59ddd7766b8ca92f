using FastMail.Core.Services;
using FastMail.Relay.Client;

namespace FastMail.Relay.Queue;

/// <summary>A queued message's body, streamed from the store for each attempt (never held whole in memory).</summary>
internal sealed class StoredBody(IQueueStore store, long id, long length) : IOutboundBody
{
    public long Length => length;

    public Stream Open() => store.OpenBody(id);
}

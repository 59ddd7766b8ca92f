namespace FastMail.Web.Admin;

/// <summary>What the admin status page shows; the host implements it from its listeners, delivery counters and store.</summary>
public interface IServerStatus
{
    /// <summary>A consistent-enough snapshot of the numbers (each read once; no lock needed).</summary>
    ServerStatus GetStatus();
}

/// <param name="Listeners">Every listening socket with its open connections.</param>
/// <param name="MessagesPerMinute">Messages accepted (SMTP 250 after DATA/BDAT LAST) over the last minute.</param>
/// <param name="StorageUsedBytes">Bytes the store uses on disk (log, index, checkpoints).</param>
/// <param name="StorageFreeBytes">Free bytes on the data directory's file system, or null when unknown.</param>
/// <param name="Uptime">Time since the server started.</param>
public sealed record ServerStatus(
    IReadOnlyList<ListenerStatus> Listeners,
    double MessagesPerMinute,
    long StorageUsedBytes,
    long? StorageFreeBytes,
    TimeSpan Uptime);

/// <param name="Protocol">"smtp", "submission", "smtps", "pop3", "pop3s", "http"…</param>
/// <param name="Endpoint">The bound address, such as "0.0.0.0:25".</param>
/// <param name="Connections">Connections open now.</param>
public sealed record ListenerStatus(string Protocol, string Endpoint, int Connections);

namespace FastMail.Storage;

/// <summary>
/// Keeps enough thread-pool threads ready for the index's disk reads. A change is applied under the index lock by the
/// thread that awaited its commit, and a record read from disk completes on another pool thread (.NET runs file reads
/// on the pool on Linux). When many commits finish at once, their threads wait on the lock while its holder waits for
/// a read that has no thread to run on until the pool's hill climbing adds one (about one every half second).
/// Measured (bench/FastMail.StorageProbe, a 1 M-message store right after a restart, 100,000 deliveries to 100,000
/// mailboxes, 64 writers): 1,162 and 1,662 msg/s with the default floor (2 on this machine), 26,457 msg/s with 256.
/// The process that serves mail calls <see cref="Ensure"/> once at start (the server, the storage probe); a library
/// call would reach every process that opens a store, and a new pool thread allocates on the thread that asked for it,
/// which the allocation tests of a test process would count.
/// </summary>
public static class ThreadPoolFloor
{
    /// <summary>Enough for the store's writers (the SMTP sessions) to block on the lock while reads still get threads.</summary>
    public const int MinWorkerThreads = 256;

    /// <summary>Raises the pool's minimum worker threads to <see cref="MinWorkerThreads"/> if it is lower; never lowers it.</summary>
    public static void Ensure()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinWorkerThreads)
        {
            ThreadPool.SetMinThreads(MinWorkerThreads, completionPorts);
        }
    }
}

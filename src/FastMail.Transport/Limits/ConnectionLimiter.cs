using System.Collections.Concurrent;
using System.Net;

namespace FastMail.Transport.Limits;

/// <summary>
/// Counts the connections of one listener, in total and per remote IP address. Every successful
/// <see cref="TryAcquire"/> is paired with exactly one <see cref="Release"/>; an address whose count
/// drops to zero is removed, so the table holds only addresses with live connections.
/// </summary>
internal sealed class ConnectionLimiter(int maxConnections, int maxConnectionsPerIp)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perIp = new();
    private int _total;
    private volatile int _maxConnections = maxConnections;
    private volatile int _maxConnectionsPerIp = maxConnectionsPerIp;

    public int Total => Volatile.Read(ref _total);

    public int CountFor(IPAddress address) => _perIp.TryGetValue(address, out var count) ? count : 0;

    public LimitResult TryAcquire(IPAddress address)
    {
        if (Interlocked.Increment(ref _total) > _maxConnections)
        {
            Interlocked.Decrement(ref _total);
            return LimitResult.TotalLimit;
        }

        while (true)
        {
            if (_perIp.TryGetValue(address, out var count))
            {
                if (count >= _maxConnectionsPerIp)
                {
                    Interlocked.Decrement(ref _total);
                    return LimitResult.PerIpLimit;
                }

                if (_perIp.TryUpdate(address, count + 1, count))
                {
                    return LimitResult.Accepted;
                }
            }
            else if (_perIp.TryAdd(address, 1))
            {
                return LimitResult.Accepted;
            }
        }
    }

    /// <summary>
    /// New limits for the following acquisitions (a configuration reload). Connections already admitted stay: lowering a
    /// limit below the current count only refuses new connections until enough of them have ended.
    /// </summary>
    public void SetLimits(int maxConnections, int maxConnectionsPerIp)
    {
        _maxConnections = maxConnections;
        _maxConnectionsPerIp = maxConnectionsPerIp;
    }

    public void Release(IPAddress address)
    {
        while (true)
        {
            var count = _perIp[address];
            var done = count == 1
                ? _perIp.TryRemove(new KeyValuePair<IPAddress, int>(address, 1))
                : _perIp.TryUpdate(address, count - 1, count);
            if (done)
            {
                break;
            }
        }

        Interlocked.Decrement(ref _total);
    }
}

internal enum LimitResult
{
    Accepted,
    TotalLimit,
    PerIpLimit,
}

using System.Net;
using System.Runtime.InteropServices;

namespace FastMail.Transport.Limits;

/// <summary>
/// New connections per remote IP address per minute, as one token bucket per address: a burst of
/// <c>perMinute</c>, refilled evenly over a minute. Memory is bounded: a bucket that has refilled
/// completely says nothing a fresh one would not, so it is forgotten (swept once a minute, or sooner
/// when the table is full); if the table is still full of addresses that are all busy reconnecting,
/// a new address is admitted untracked (the concurrent-connection limits still hold) rather than
/// letting a flood from many addresses lock out everybody else.
/// </summary>
internal sealed class ConnectionRateLimiter
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_fullTableSweepInterval = TimeSpan.FromSeconds(1);

    private readonly int _perMinute;
    private readonly int _maxTrackedAddresses;
    private readonly TimeProvider _time;
    private readonly double _tokensPerTick;
    private readonly Dictionary<IPAddress, Bucket> _buckets = new();
    private readonly Lock _lock = new();
    private long _lastSweep;

    public ConnectionRateLimiter(int perMinute, TimeProvider time, int maxTrackedAddresses = 16 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perMinute);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedAddresses, 1);
        _perMinute = perMinute;
        _maxTrackedAddresses = maxTrackedAddresses;
        _time = time;
        _tokensPerTick = perMinute / (s_window.TotalSeconds * time.TimestampFrequency);
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>Addresses currently remembered (for tests and diagnostics).</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one connection from <paramref name="address"/>'s allowance; false when it has none left.</summary>
    public bool TryAcquire(IPAddress address)
    {
        if (_perMinute == 0)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_time.GetElapsedTime(_lastSweep, now) >= s_window)
            {
                Sweep(now);
            }

            if (_buckets.Count >= _maxTrackedAddresses && !_buckets.ContainsKey(address))
            {
                if (_time.GetElapsedTime(_lastSweep, now) >= s_fullTableSweepInterval)
                {
                    Sweep(now);
                }

                if (_buckets.Count >= _maxTrackedAddresses)
                {
                    return true;
                }
            }

            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, address, out var exists);
            if (!exists)
            {
                bucket = new Bucket(_perMinute, now);
            }
            else
            {
                bucket = bucket with { Tokens = Refilled(bucket, now), Updated = now };
            }

            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket = bucket with { Tokens = bucket.Tokens - 1 };
            return true;
        }
    }

    private double Refilled(Bucket bucket, long now)
        => Math.Min(_perMinute, bucket.Tokens + ((now - bucket.Updated) * _tokensPerTick));

    private void Sweep(long now)
    {
        _lastSweep = now;
        foreach (var (address, bucket) in _buckets)
        {
            if (Refilled(bucket, now) >= _perMinute)
            {
                // Removing the current entry while enumerating is allowed for Dictionary since .NET Core 3.0.
                _buckets.Remove(address);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, long Updated);
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FastMail.Accounts.Authentication;

/// <summary>
/// Remembers successful logins for a while, in the spirit of Dovecot's auth_cache, so a client polling every minute
/// does not cost a full PBKDF2 each time. It holds HMAC-SHA256(processKey, user \0 password \0 storedHash), never the
/// password: the key is random per process, so a memory dump does not give an offline-guessable value, and because the
/// stored hash is part of the input, a password change or deletion invalidates the entry without any bookkeeping.
/// </summary>
internal sealed class AuthCache
{
    private const int MacSize = 32;
    private const int MaxStackInput = 1024;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly int _capacity;
    private long _hits;

    public AuthCache(TimeSpan ttl, int capacity, TimeProvider time)
    {
        _time = time;
        _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);
        _capacity = capacity;
    }

    public bool Enabled => _ttlTicks > 0 && _capacity > 0;

    /// <summary>How many logins were answered from the cache (diagnostics and tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>True when these exact credentials verified against this exact stored hash within the TTL.</summary>
    public bool Matches(string user, ReadOnlySpan<byte> password, string storedHash)
    {
        if (!Enabled)
        {
            return false;
        }

        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(user, out entry) || _time.GetTimestamp() >= entry.ExpiresAt)
            {
                return false;
            }
        }

        Span<byte> mac = stackalloc byte[MacSize];
        if (!TryComputeMac(user, password, storedHash, mac))
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, entry.Mac))
        {
            return false;
        }

        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Remembers a login that just verified by PBKDF2.</summary>
    public void Remember(string user, ReadOnlySpan<byte> password, string storedHash)
    {
        if (!Enabled)
        {
            return;
        }

        var mac = new byte[MacSize];
        if (!TryComputeMac(user, password, storedHash, mac))
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_entries.Count >= _capacity && !_entries.ContainsKey(user))
            {
                EvictExpired(now);
                if (_entries.Count >= _capacity)
                {
                    return; // full of live entries: this login is just not cached
                }
            }

            _entries[user] = new Entry(mac, now + _ttlTicks);
        }
    }

    private void EvictExpired(long now)
    {
        foreach (var (user, entry) in _entries)
        {
            if (now >= entry.ExpiresAt)
            {
                _entries.Remove(user); // removing during enumeration is allowed for Dictionary since .NET Core 3.0
            }
        }
    }

    private bool TryComputeMac(string user, ReadOnlySpan<byte> password, string storedHash, Span<byte> mac)
    {
        var length = Encoding.UTF8.GetByteCount(user) + 1 + password.Length + 1 + Encoding.UTF8.GetByteCount(storedHash);
        if (length > MaxStackInput)
        {
            return false; // absurdly long password: just never cached
        }

        Span<byte> input = stackalloc byte[MaxStackInput];
        var written = Encoding.UTF8.GetBytes(user, input);
        input[written++] = 0;
        password.CopyTo(input[written..]);
        written += password.Length;
        input[written++] = 0;
        written += Encoding.UTF8.GetBytes(storedHash, input[written..]);
        HMACSHA256.HashData(_key, input[..written], mac);
        CryptographicOperations.ZeroMemory(input[..written]); // the password was in there
        return true;
    }

    private readonly record struct Entry(byte[] Mac, long ExpiresAt);
}

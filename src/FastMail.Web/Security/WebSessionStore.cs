using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FastMail.Web.Security;

/// <summary>
/// The server-side session table: a random 256-bit id (the fm_session cookie) maps to a <see cref="WebSession"/>. Kept
/// in memory only (a restart logs everyone out). A session unused for the idle time is gone; expired ones are swept at
/// most once a minute, on the next lookup.
/// </summary>
internal sealed class WebSessionStore
{
    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _idle;
    private readonly TimeProvider _time;
    private long _nextSweep;

    public WebSessionStore(TimeSpan idle, TimeProvider? time = null)
    {
        _idle = idle;
        _time = time ?? TimeProvider.System;
    }

    public int Count => _sessions.Count;

    public (string Id, WebSession Session) Create(string user, string mailbox, bool isAdmin)
    {
        var id = NewToken();
        var session = new WebSession(user, mailbox, isAdmin, NewToken());
        _sessions[id] = new Entry(session, _time.GetTimestamp());
        return (id, session);
    }

    public WebSession? Find(string? id)
    {
        var now = _time.GetTimestamp();
        SweepIfDue(now);
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !_sessions.TryGetValue(id, out var entry))
        {
            return null;
        }

        if (_time.GetElapsedTime(entry.LastSeen, now) > _idle)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        entry.LastSeen = now;
        return entry.Session;
    }

    public void Remove(string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            _sessions.TryRemove(id, out _);
        }
    }

    /// <summary>Logs the user out everywhere but <paramref name="keepId"/> (after a password change).</summary>
    public void RemoveOthers(string user, string? keepId)
    {
        foreach (var (id, entry) in _sessions)
        {
            if (id != keepId && string.Equals(entry.Session.User, user, StringComparison.OrdinalIgnoreCase))
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + (long)(_time.TimestampFrequency * 60), due) != due)
        {
            return;
        }

        foreach (var (id, entry) in _sessions)
        {
            if (_time.GetElapsedTime(entry.LastSeen, now) > _idle)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private sealed class Entry(WebSession session, long lastSeen)
    {
        public WebSession Session { get; } = session;

        public long LastSeen
        {
            get => Volatile.Read(ref _lastSeen);
            set => Volatile.Write(ref _lastSeen, value);
        }

        private long _lastSeen = lastSeen;
    }
}

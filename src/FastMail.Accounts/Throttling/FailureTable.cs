namespace FastMail.Accounts.Throttling;

/// <summary>
/// Failure counts per key with least-recently-failed eviction: a dictionary into a linked list ordered by last failure.
/// Not thread-safe; <see cref="AuthThrottle"/> locks around it.
/// </summary>
internal sealed class FailureTable<TKey>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _map = new(comparer);
    private readonly LinkedList<Entry> _byAge = new();

    public int Count => _map.Count;

    public Entry? Find(TKey key) => _map.TryGetValue(key, out var node) ? node.Value : null;

    /// <summary>The entry for <paramref name="key"/>, created if needed and moved to the young end.</summary>
    public Entry Touch(TKey key)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _byAge.Remove(node);
            _byAge.AddLast(node);
            return node.Value;
        }

        if (_map.Count >= capacity)
        {
            var oldest = _byAge.First!;
            _byAge.RemoveFirst();
            _map.Remove(oldest.Value.Key);
        }

        node = _byAge.AddLast(new Entry(key));
        _map[key] = node;
        return node.Value;
    }

    public void Remove(TKey key)
    {
        if (_map.Remove(key, out var node))
        {
            _byAge.Remove(node);
        }
    }

    internal sealed class Entry(TKey key)
    {
        public TKey Key { get; } = key;

        public int Failures { get; set; }

        /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last failure.</summary>
        public long LastFailure { get; set; }

        /// <summary>Timestamp the lockout ends, or 0.</summary>
        public long LockedUntil { get; set; }

        /// <summary>Attempts admitted and not yet ended: they count against the lockout until they end.</summary>
        public int InFlight { get; set; }
    }
}

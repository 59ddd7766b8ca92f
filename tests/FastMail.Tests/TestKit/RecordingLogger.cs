using Microsoft.Extensions.Logging;

namespace FastMail.Tests.TestKit;

/// <summary>Keeps every log entry (event id, level, formatted message, exception) so a test can assert what was logged.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];

    /// <summary>A snapshot of the entries so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public bool Has(int eventId) => Entries.Any(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // Always formatted: a broken message template fails the test, not production.
        var entry = new LogEntry(eventId.Id, logLevel, formatter(state, exception), exception)
        {
            // The structured fields, as the JSON console formatter writes them.
            Fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [],
        };
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    internal sealed record LogEntry(int EventId, LogLevel Level, string Message, Exception? Exception)
    {
        public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();
    }
}

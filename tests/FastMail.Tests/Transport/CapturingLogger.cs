using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Transport;

/// <summary>Keeps every log entry so a test can assert that something was (or was not) logged.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Event, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // Format anyway: a broken message template should fail the test, not production.
        _ = formatter(state, exception);
        Entries.Enqueue((logLevel, eventId, exception));
    }

    public bool Has(int eventId) => Entries.Any(e => e.Event.Id == eventId);
}

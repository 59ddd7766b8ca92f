using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Storage;

/// <summary>Keeps every log entry's event id and text, so tests can assert what recovery reported.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public bool Has(int eventId) => Entries.Any(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Pop3;

/// <summary>Keeps every formatted log message with its level and event id, so tests can check what a log line says.</summary>
internal sealed class MessageLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}

using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Smtp;

/// <summary>Keeps every log entry with its event id, level and formatted message.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(int Id, LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(int Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((eventId.Id, logLevel, formatter(state, exception)));
        }
    }
}

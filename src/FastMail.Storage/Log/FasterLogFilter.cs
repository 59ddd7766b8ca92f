using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Log;

/// <summary>
/// The logger FASTER writes to. On every first start FasterLog reports "Unable to recover using any available commit"
/// at information level, which reads like an error to a new user; the store says "new mail store created" instead
/// (<see cref="StorageLog.NewStoreCreated"/>), so that line goes to debug. Everything else passes unchanged.
/// </summary>
internal sealed class FasterLogFilter(ILogger inner) : ILogger
{
    private const string NothingToRecover = "Unable to recover using any available commit";

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel is LogLevel.Information or LogLevel.Warning && exception is null
            && formatter(state, exception).StartsWith(NothingToRecover, StringComparison.Ordinal))
        {
            logLevel = LogLevel.Debug;
        }

        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}

using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// The minimum log level of the whole process, changeable while it runs (a configuration reload sets
/// <see cref="Level"/>; every logger sees the new level at its next entry). One volatile read per IsEnabled check.
/// </summary>
internal sealed class LogLevelSwitch(LogLevel level)
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public bool IsEnabled(LogLevel level) => level != LogLevel.None && (int)level >= _level;
}

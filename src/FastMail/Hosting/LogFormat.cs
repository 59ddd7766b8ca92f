namespace FastMail.Hosting;

/// <summary>How log lines are written to stderr (config key logFormat).</summary>
internal enum LogFormat
{
    /// <summary>One line per entry with a UTC timestamp; under systemd (JOURNAL_STREAM set) the systemd format instead.</summary>
    Text,

    /// <summary>One JSON object per line: UTC timestamp, level, category, event id, message and every structured field.</summary>
    Json,

    /// <summary>Syslog priority prefixes ("&lt;6&gt;") and no timestamp: journald adds its own and filters by priority.</summary>
    Systemd,
}

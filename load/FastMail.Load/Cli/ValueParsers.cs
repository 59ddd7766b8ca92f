using System.Globalization;

namespace FastMail.Load.Cli;

/// <summary>Parses the human forms used on the command line: sizes like 1k or 100KB, durations like 10s or 500ms.</summary>
internal static class ValueParsers
{
    public static int ParseSize(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s.EndsWith('b') && s.Length > 1 && !char.IsDigit(s[^2]))
        {
            s = s[..^1];
        }
        long multiplier = 1;
        if (s.EndsWith('k')) { multiplier = 1024; s = s[..^1]; }
        else if (s.EndsWith('m')) { multiplier = 1024 * 1024; s = s[..^1]; }
        else if (s.EndsWith('b')) { s = s[..^1]; }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new ArgumentException($"not a size: '{text}' (use e.g. 512, 1k, 100k, 2m)");
        }
        var bytes = (long)(value * multiplier);
        if (bytes > 64L * 1024 * 1024)
        {
            throw new ArgumentException($"size {text} is above the 64 MB the runner allows");
        }
        return (int)bytes;
    }

    public static TimeSpan ParseDuration(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        double scaleSeconds = 1;
        if (s.EndsWith("ms", StringComparison.Ordinal)) { scaleSeconds = 0.001; s = s[..^2]; }
        else if (s.EndsWith('s')) { s = s[..^1]; }
        else if (s.EndsWith('m')) { scaleSeconds = 60; s = s[..^1]; }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new ArgumentException($"not a duration: '{text}' (use e.g. 10s, 500ms, 2m)");
        }
        return TimeSpan.FromSeconds(value * scaleSeconds);
    }

    public static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"--{name} wants an integer in [{min}, {max}], got '{text}'");
        }
        return value;
    }

    public static string[] ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using System.Globalization;
using System.Net;

namespace FastMail.Configuration;

/// <summary>Parses configuration text ("25m", "5m", "0.0.0.0:2525") into values; every failure names the key and where its value came from.</summary>
internal static class ValueParsers
{
    public static long Size(ConfigValues values, ConfigKey key, long min, long max)
    {
        if (!TryParseSize(values.Get(key), out var bytes))
        {
            throw Invalid(values, key, "a size such as 25m, 512k or 1048576");
        }

        return InRange(values, key, bytes, min, max);
    }

    /// <summary>Parses a byte count with an optional k/m/g suffix (binary multiples, any case): "25m", "512k", "1048576".</summary>
    public static bool TryParseSize(string value, out long bytes)
    {
        var text = value.Trim().ToLowerInvariant();
        long multiplier = 1;
        if (text.Length > 0 && char.IsLetter(text[^1]))
        {
            multiplier = text[^1] switch
            {
                'k' => 1024L,
                'm' => 1024L * 1024,
                'g' => 1024L * 1024 * 1024,
                _ => 0,
            };
            text = text[..^1];
        }

        if (multiplier == 0 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / multiplier)
        {
            bytes = 0;
            return false;
        }

        bytes = number * multiplier;
        return true;
    }

    public static int Integer(ConfigValues values, ConfigKey key, int min, int max)
    {
        if (!int.TryParse(values.Get(key).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw Invalid(values, key, "a whole number");
        }

        return (int)InRange(values, key, number, min, max);
    }

    public static bool Boolean(ConfigValues values, ConfigKey key) => values.Get(key).Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw Invalid(values, key, "true or false"),
    };

    public static TimeSpan Duration(ConfigValues values, ConfigKey key, TimeSpan min, TimeSpan max)
    {
        var text = values.Get(key).Trim().ToLowerInvariant();
        var unit = text.EndsWith("ms", StringComparison.Ordinal) ? "ms" : text.Length > 0 && char.IsLetter(text[^1]) ? text[^1..] : "s";
        var digits = text.EndsWith(unit, StringComparison.Ordinal) ? text[..^unit.Length] : text;
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw Invalid(values, key, "a duration such as 30s, 5m, 1h or 250ms");
        }

        TimeSpan duration = unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            "d" => TimeSpan.FromDays(number),
            _ => throw Invalid(values, key, "a duration such as 30s, 5m, 1h or 250ms"),
        };
        if (duration < min || duration > max)
        {
            throw new ConfigException($"{key.Name} = '{values.Get(key)}' (from {values.SourceOf(key)}) must be between {min} and {max}");
        }

        return duration;
    }

    public static IReadOnlyList<IPEndPoint> EndPoints(ConfigValues values, ConfigKey key)
    {
        var result = new List<IPEndPoint>();
        foreach (var part in values.Get(key).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + part[9..] : part;
            if (!IPEndPoint.TryParse(text, out var endPoint) || !text.Contains(':', StringComparison.Ordinal))
            {
                throw Invalid(values, key, "a comma-separated list of address:port, e.g. 0.0.0.0:2525 or [::]:2525");
            }

            result.Add(endPoint);
        }

        return result;
    }

    public static IReadOnlyList<IPNetwork> Networks(ConfigValues values, ConfigKey key)
    {
        var result = new List<IPNetwork>();
        foreach (var part in values.Get(key).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(part, out var network))
            {
                throw Invalid(values, key, "a comma-separated list of CIDR networks, e.g. 127.0.0.0/8,192.168.1.0/24");
            }

            result.Add(network);
        }

        return result;
    }

    public static string DomainName(ConfigValues values, ConfigKey key)
    {
        var text = values.Get(key).Trim().TrimEnd('.').ToLowerInvariant();
        if (text.Length is 0 or > 253 || Uri.CheckHostName(text) != UriHostNameType.Dns)
        {
            throw Invalid(values, key, "a domain name such as example.com");
        }

        return text;
    }

    /// <summary>
    /// One of the members of <typeparamref name="TEnum"/>, any case. The configuration spells them in camelCase
    /// (acceptAndMark), so that is how the error lists them, in declaration order.
    /// </summary>
    public static TEnum Choice<TEnum>(ConfigValues values, ConfigKey key)
        where TEnum : struct, Enum
    {
        var text = values.Get(key).Trim();
        var names = Enum.GetNames<TEnum>();
        foreach (var name in names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<TEnum>(name);
            }
        }

        throw Invalid(values, key, "one of " + string.Join(", ", names.Select(name => char.ToLowerInvariant(name[0]) + name[1..])));
    }

    /// <summary>A file path, or null when empty; relative paths are made absolute against the working directory.</summary>
    public static string? OptionalPath(ConfigValues values, ConfigKey key)
    {
        var text = values.Get(key).Trim();
        return text.Length == 0 ? null : Path.GetFullPath(text);
    }

    private static long InRange(ConfigValues values, ConfigKey key, long number, long min, long max)
    {
        if (number < min || number > max)
        {
            throw new ConfigException($"{key.Name} = '{values.Get(key)}' (from {values.SourceOf(key)}) must be between {min} and {max}");
        }

        return number;
    }

    private static ConfigException Invalid(ConfigValues values, ConfigKey key, string expected) =>
        new($"{key.Name} = '{values.Get(key)}' (from {values.SourceOf(key)}) is not valid: expected {expected}");
}

namespace FastMail.Configuration;

/// <summary>Configuration values as text, each with the source it came from.</summary>
internal sealed class ConfigValues
{
    private readonly Dictionary<string, (string Value, string Source)> _values = new(StringComparer.Ordinal);

    /// <summary>The configuration file the values were read from (`--config`), or null.</summary>
    public string? FilePath { get; set; }

    public void Set(ConfigKey key, string value, string source) => _values[key.Name] = (value, source);

    public string Get(ConfigKey key) => _values[key.Name].Value;

    public string SourceOf(ConfigKey key) => _values[key.Name].Source;
}

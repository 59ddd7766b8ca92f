using System.Text.Json;

namespace FastMail.Configuration;

/// <summary>
/// Layers configuration: embedded defaults, then the JSON file, then FASTMAIL_* environment variables,
/// then --set key=value flags. Values are kept as text with the place they came from, so an error names both.
/// JSON is read with JsonDocument (no reflection; AOT-safe). The sections (<see cref="SmtpSection"/>, ...) then bind
/// the text into each component's options.
/// </summary>
/// <remarks>
/// Why not Microsoft.Extensions.Configuration with the binding source generator (AOT-clean, served as 10.0.12): it
/// would replace only this file's ~100 lines and bring four packages, while every FastMail rule it cannot express stays
/// hand-written: the binder reads neither "25m" nor "5m" (sizes and durations), it keeps no source per value (errors
/// here name "from environment variable FASTMAIL_..."), its environment provider wants "__" between sections where
/// FastMail documents FASTMAIL_SMTP_MAXMESSAGESIZE, its JSON provider turns a listen array into indexed keys, and it
/// ignores unknown keys where a typo here is an error.
/// </remarks>
internal static class ConfigLoader
{
    public static ConfigValues Load(string? configFile, IReadOnlyList<KeyValuePair<string, string>> overrides, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var values = new ConfigValues();
        foreach (var key in ConfigKeys.All)
        {
            values.Set(key, key.Default, "default");
        }

        if (configFile is not null)
        {
            LoadFile(configFile, values);
            values.FilePath = Path.GetFullPath(configFile);
        }

        foreach (var key in ConfigKeys.All)
        {
            var value = environment(key.EnvironmentVariable);
            if (value is not null)
            {
                values.Set(key, value, "environment variable " + key.EnvironmentVariable);
            }
        }

        foreach (var (name, value) in overrides)
        {
            var key = ConfigKeys.Find(name) ?? throw new ConfigException($"unknown configuration key '{name}' (see `fastmail config` for the list)");
            values.Set(key, value, "--set");
        }

        return values;
    }

    private static void LoadFile(string path, ConfigValues values)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read configuration file '{path}': {e.Message}");
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException($"configuration file '{path}': the top level must be a JSON object");
            }

            Flatten(document.RootElement, prefix: "", path, values);
        }
        catch (JsonException e)
        {
            throw new ConfigException($"configuration file '{path}' is not valid JSON: {e.Message}");
        }
    }

    private static void Flatten(JsonElement element, string prefix, string path, ConfigValues values)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, name, path, values);
                continue;
            }

            var key = ConfigKeys.Find(name) ?? throw new ConfigException($"configuration file '{path}': unknown key '{name}' (see `fastmail config` for the list)");
            values.Set(key, ToText(property.Value, name, path), "file " + path);
        }
    }

    private static string ToText(JsonElement value, string name, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(item => ToText(item, name, path))),
        _ => throw new ConfigException($"configuration file '{path}': key '{name}' has an unsupported value {value.GetRawText()}"),
    };
}

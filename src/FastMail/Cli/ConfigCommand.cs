using System.Text.Json;
using FastMail.Configuration;

namespace FastMail.Cli;

/// <summary>`fastmail config`: prints every key as a commented JSON file — the embedded defaults, or the effective values with --config/--set.</summary>
internal static class ConfigCommand
{
    public const string Help = """
        Usage: fastmail config [--config FILE] [--data-dir DIR] [--set KEY=VALUE]...

        Prints the configuration as a JSON file with a comment per key: the embedded defaults,
        or, with options, the effective values (validated). Save it and edit it to make your own.

        """ + ConfigOptions.Help;

    public static int Run(Arguments args)
    {
        args.AllowOnly(ConfigOptions.Names);
        var values = ConfigOptions.Load(args);
        FastMailSettings.From(values);
        Console.Write(Render(values));
        return 0;
    }

    /// <summary>Nested JSON (sections by the first dotted part) with `//` comments; FastMail reads it back as is.</summary>
    public static string Render(ConfigValues values)
    {
        // Top-level keys first, then one object per section, in the order of ConfigKeys.All.
        var groups = ConfigKeys.All
            .GroupBy(key => key.Name.Contains('.', StringComparison.Ordinal) ? key.Name[..key.Name.IndexOf('.', StringComparison.Ordinal)] : "")
            .ToList();
        var entries = new List<string>();
        foreach (var group in groups)
        {
            var indent = group.Key.Length == 0 ? "  " : "    ";
            var members = group.Select(key => RenderKey(key, values, indent, group.Key.Length == 0 ? key.Name : key.Name[(group.Key.Length + 1)..])).ToList();
            if (group.Key.Length == 0)
            {
                entries.AddRange(members);
            }
            else
            {
                entries.Add($"  \"{group.Key}\": {{\n{string.Join(",\n", members)}\n  }}");
            }
        }

        return "{\n" + string.Join(",\n", entries) + "\n}\n";
    }

    private static string RenderKey(ConfigKey key, ConfigValues values, string indent, string name) =>
        $"{indent}// {key.Description} Env: {key.EnvironmentVariable}\n{indent}\"{name}\": \"{JsonEncodedText.Encode(values.Get(key))}\"";
}

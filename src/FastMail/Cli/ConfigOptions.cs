using FastMail.Configuration;

namespace FastMail.Cli;

/// <summary>The options every command shares to find its configuration: --config FILE, --data-dir DIR, --set key=value.</summary>
internal static class ConfigOptions
{
    public static readonly string[] Names = ["config", "data-dir"];

    public const string Help = """
          --config FILE        JSON configuration file (keys: `fastmail config`)
          --data-dir DIR       shortcut for --set dataDirectory=DIR
          --set KEY=VALUE      override one configuration key (repeatable)
        Environment variables FASTMAIL_<KEY> (dots as underscores) override the file; --set overrides both.
        """;

    public static ConfigValues Load(Arguments args)
    {
        var overrides = new List<KeyValuePair<string, string>>(args.Sets);
        if (args.Option("data-dir") is { } dataDirectory)
        {
            overrides.Add(new(ConfigKeys.DataDirectory.Name, dataDirectory));
        }

        return ConfigLoader.Load(args.Option("config"), overrides);
    }
}

using FastMail.Configuration;

namespace FastMail.Check;

/// <summary>The configuration loads and every value parses (the same <see cref="FastMailSettings.From"/> `serve` runs).</summary>
internal static class ConfigurationCheck
{
    private const string Name = "configuration";

    public static (CheckResult Result, FastMailSettings? Settings) Run(Func<ConfigValues> load)
    {
        try
        {
            var values = load();
            var settings = FastMailSettings.From(values);
            var source = values.FilePath ?? "embedded defaults (no --config)";
            return (CheckResult.Ok(Name, $"{source}: every value parses"), settings);
        }
        catch (ConfigException e)
        {
            return (CheckResult.Fail(Name, e.Message), null);
        }
    }
}

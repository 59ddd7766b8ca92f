using System.Reflection;

namespace FastMail.Cli;

/// <summary>`fastmail version`.</summary>
internal static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static int Run()
    {
        Console.WriteLine($"fastmail {Version}");
        return 0;
    }
}

using System.Globalization;

namespace FastMail.Load.Report;

/// <summary>Stores report.md and report.json in &lt;reports&gt;/&lt;timestamp&gt;-&lt;scenario&gt;/ and returns that folder.</summary>
internal static class ReportWriter
{
    public static string Write(RunResult run, string reportsDirectory)
    {
        var stamp = run.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var label = run.Label.Length > 0 ? "-" + string.Concat(run.Label.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_')) : "";
        var directory = Path.Combine(reportsDirectory, $"{stamp}-{run.Scenario}{label}");
        for (var n = 2; Directory.Exists(directory); n++)
        {
            directory = Path.Combine(reportsDirectory, $"{stamp}-{run.Scenario}{label}-{n}");
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.md"), MarkdownReport.Render(run));
        using var json = File.Create(Path.Combine(directory, "report.json"));
        JsonReport.Write(run, json);
        return directory;
    }
}

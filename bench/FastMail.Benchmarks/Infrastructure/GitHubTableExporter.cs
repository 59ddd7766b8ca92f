using BenchmarkDotNet.Exporters;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>
/// BenchmarkDotNet's GitHub markdown exporter without the bold rows it uses to mark parameter groups, which make the
/// tables in docs/BENCHMARKS.md hard to read as text. Same file name ("-report-github.md") and layout otherwise.
/// </summary>
internal sealed class GitHubTableExporter : MarkdownExporter
{
    public GitHubTableExporter()
    {
        Dialect = "GitHub";
        UseCodeBlocks = true;
        CodeBlockStart = "```";
        StartOfGroupHighlightStrategy = MarkdownHighlightStrategy.None;
        ColumnsStartWithSeparator = true;
        EscapeHtml = true;
    }
}

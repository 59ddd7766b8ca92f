using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>
/// Throughput of benchmarks that process one <c>Size</c>-byte payload per operation: Size / Mean. Bytes per nanosecond
/// are gigabytes (10^9 B) per second, so no scaling is needed. Other benchmarks show "-".
/// </summary>
internal sealed class GigabytesPerSecondColumn : IColumn
{
    public const string SizeParameter = "Size";

    public string Id => nameof(GigabytesPerSecondColumn);

    public string ColumnName => "GB/s";

    public bool AlwaysShow => false;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Payload bytes (the Size parameter) processed per second, in 10^9 B/s";

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(c => c.Parameters.Items.Any(p => p.Name == SizeParameter));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == SizeParameter)?.Value;
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (size is not int bytes || mean is not > 0)
        {
            return "-";
        }

        return (bytes / mean.Value).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }
}

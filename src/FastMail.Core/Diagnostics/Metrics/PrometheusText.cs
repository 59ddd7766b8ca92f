using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace FastMail.Core.Diagnostics.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4: "# HELP", "# TYPE", then one line per series. Names are the instrument
/// names with '.' as '_'; counters end in "_total"; histograms have cumulative "_bucket{le=...}" lines, "_sum" and "_count".
/// </summary>
internal static class PrometheusText
{
    public static void Write(StringBuilder text, InstrumentState state)
    {
        var instrument = state.Instrument;
        var name = instrument.Name.Replace('.', '_');
        var (type, sample) = state.Aggregation switch
        {
            Aggregation.Histogram => ("histogram", name),
            _ when instrument is Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => ("counter", name + "_total"),
            _ => ("gauge", name),
        };

        text.Append("# HELP ").Append(sample).Append(' ').Append(EscapeHelp(instrument.Description ?? "")).Append('\n');
        text.Append("# TYPE ").Append(sample).Append(' ').Append(type).Append('\n');
        foreach (var one in state.Series)
        {
            if (state.Aggregation == Aggregation.Histogram)
            {
                WriteHistogram(text, name, state.Bounds, one);
                continue;
            }

            text.Append(sample);
            Labels(text, one, null, null);
            text.Append(' ').Append(MetricsCollector.IsDouble(instrument) ? Number(one.Double) : one.Long.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void WriteHistogram(StringBuilder text, string name, double[] bounds, MetricSeries series)
    {
        long cumulative = 0;
        var buckets = series.Buckets!;
        for (var i = 0; i <= bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref buckets[i]);
            text.Append(name).Append("_bucket");
            Labels(text, series, "le", i < bounds.Length ? Number(bounds[i]) : "+Inf");
            text.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append(name).Append("_sum");
        Labels(text, series, null, null);
        text.Append(' ').Append(Number(series.Sum)).Append('\n');
        text.Append(name).Append("_count");
        Labels(text, series, null, null);
        // The count is the +Inf bucket's, so that a scrape racing a Record stays consistent within itself.
        text.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Labels(StringBuilder text, MetricSeries series, string? extraKey, string? extraValue)
    {
        if (series.Keys.Length == 0 && extraKey is null)
        {
            return;
        }

        text.Append('{');
        for (var i = 0; i < series.Keys.Length; i++)
        {
            text.Append(i > 0 ? "," : "").Append(series.Keys[i]).Append("=\"").Append(EscapeLabel(series.Values[i])).Append('"');
        }

        if (extraKey is not null)
        {
            text.Append(series.Keys.Length > 0 ? "," : "").Append(extraKey).Append("=\"").Append(extraValue).Append('"');
        }

        text.Append('}');
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    // Label values escape backslash, double quote and line feed; HELP text backslash and line feed.
    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

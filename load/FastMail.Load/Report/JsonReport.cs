using System.Text.Json;

namespace FastMail.Load.Report;

/// <summary>Writes a run as JSON by hand (Utf8JsonWriter), so no reflection-based serializer is involved.</summary>
internal static class JsonReport
{
    private static readonly double[] Percentiles = [50, 90, 99, 99.9];

    public static void Write(RunResult run, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("scenario", run.Scenario);
        json.WriteString("label", run.Label);
        json.WriteString("model", run.Model);
        json.WriteString("commandLine", run.CommandLine);
        json.WriteString("startedAt", run.StartedAt);
        json.WriteNumber("measuredSeconds", run.MeasuredWindow.TotalSeconds);
        json.WriteNumber("ok", run.TotalOk);
        json.WriteNumber("errors", run.TotalFailed);
        json.WriteNumber("opsPerSecond", run.TotalThroughput);
        json.WriteStartArray("metrics");
        foreach (var m in run.Metrics)
        {
            json.WriteStartObject();
            json.WriteString("name", m.Name);
            json.WriteNumber("ok", m.Ok);
            json.WriteNumber("errors", m.Failed);
            json.WriteNumber("opsPerSecond", run.Throughput(m));
            json.WriteStartObject("latencyMs");
            foreach (var p in Percentiles)
            {
                json.WriteNumber("p" + p.ToString(System.Globalization.CultureInfo.InvariantCulture), m.PercentileMs(p));
            }
            json.WriteNumber("max", m.MaxMs);
            json.WriteNumber("mean", m.MeanMs);
            json.WriteEndObject();
            json.WriteStartObject("errorCounts");
            foreach (var (key, count) in m.Errors)
            {
                json.WriteNumber(key, count);
            }
            json.WriteEndObject();
            json.WriteStartObject("notes");
            foreach (var (key, count) in m.Notes)
            {
                json.WriteNumber(key, count);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (run.Relay is { } relay)
        {
            json.WriteStartObject("relay");
            json.WriteNumber("attempted", relay.Attempted);
            json.WriteNumber("acknowledged", relay.Acknowledged);
            json.WriteNumber("delivered", relay.Delivered);
            json.WriteNumber("missing", relay.Missing);
            json.WriteNumber("duplicates", relay.Duplicates);
            json.WriteNumber("corrupt", relay.Corrupt);
            json.WriteNumber("deliveredUnacknowledged", relay.DeliveredUnacknowledged);
            json.WriteNumber("unexpected", relay.Unexpected);
            json.WriteNumber("withoutId", relay.WithoutId);
            json.WriteNumber("arrivedBeforeAck", relay.ArrivedBeforeAck);
            json.WriteNumber("sinkConnections", relay.SinkConnections);
            json.WriteNumber("submitSeconds", relay.SubmitWindow.TotalSeconds);
            json.WriteNumber("deliverSeconds", relay.DeliverWindow.TotalSeconds);
            json.WriteNumber("submittedPerSecond", relay.SubmittedPerSecond);
            json.WriteNumber("deliveredPerSecond", relay.DeliveredPerSecond);
            foreach (var (m, name) in new[] { (relay.AfterAck, "latencyAfterAckMs"), (relay.AfterSubmit, "latencyAfterSubmitMs") })
            {
                json.WriteStartObject(name);
                foreach (var p in Percentiles)
                {
                    json.WriteNumber("p" + p.ToString(System.Globalization.CultureInfo.InvariantCulture), m.PercentileMs(p));
                }
                json.WriteNumber("max", m.MaxMs);
                json.WriteNumber("mean", m.MeanMs);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        if (run.ServerCpuSeconds is { } cpu)
        {
            json.WriteNumber("serverCpuSeconds", cpu);
            if (run.CpuMsPerOp is { } per)
            {
                json.WriteNumber("serverCpuMsPerOp", per);
            }
            json.WriteNumber("serverRssKibStart", run.ServerRssKibStart ?? 0);
            json.WriteNumber("serverRssKibEnd", run.ServerRssKibEnd ?? 0);
        }
        if (run.ConnectionsHeld is { } held)
        {
            json.WriteNumber("connectionsHeld", held);
        }
        json.WriteEndObject();
    }
}

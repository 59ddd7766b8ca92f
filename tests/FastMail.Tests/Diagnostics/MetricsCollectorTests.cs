using FastMail.Core.Diagnostics;
using FastMail.Core.Diagnostics.Metrics;

namespace FastMail.Tests.Diagnostics;

/// <summary>The hand-written Prometheus collector: the text it renders, per-server isolation, and no allocation per recording.</summary>
public sealed class MetricsCollectorTests
{
    [Fact]
    public void CountersRenderAsTotalsWithTheirLabelsAndZeroesForEveryFixedLabel()
    {
        using var metrics = new MailMetrics();
        using var collector = new MetricsCollector(metrics);
        metrics.MessageAccepted(120);
        metrics.MessageAccepted(80);
        metrics.MessageRejected(RejectReason.UnknownUser);
        metrics.Command(MailMetrics.Smtp, "EHLO");
        metrics.Command(MailMetrics.Smtp, "EHLO");

        var text = collector.WriteText();

        Assert.Contains("# TYPE fastmail_messages_accepted_total counter\nfastmail_messages_accepted_total 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_messages_received_bytes_total 200\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_messages_rejected_total{reason=\"unknown_user\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_messages_rejected_total{reason=\"disk_full\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_login_failures_total{protocol=\"web\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commands_total{protocol=\"smtp\",verb=\"EHLO\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fastmail_queue_depth gauge\nfastmail_queue_depth 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommitHistogramHasCumulativeBucketsSumAndCount()
    {
        using var metrics = new MailMetrics();
        using var collector = new MetricsCollector(metrics);
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        metrics.CommitFinished(now - System.Diagnostics.Stopwatch.Frequency * 3); // about 3 s ago
        metrics.CommitFinished(now);

        var text = collector.WriteText();

        Assert.Contains("# TYPE fastmail_commit_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commit_duration_seconds_bucket{le=\"0.0005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commit_duration_seconds_bucket{le=\"2.5\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commit_duration_seconds_bucket{le=\"5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commit_duration_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_commit_duration_seconds_count 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ObservableInstrumentsReadTheirSourcesAtScrapeTime()
    {
        using var metrics = new MailMetrics();
        using var collector = new MetricsCollector(metrics);
        var depth = 3L;
        metrics.Observe(new MetricSources
        {
            QueueDepth = () => depth,
            Listeners = () => [new ListenerCounts("SMTP", 2, 10, 1)],
            StorageFreeBytes = () => null,
        });

        Assert.Contains("\nfastmail_queue_depth 3\n", collector.WriteText(), StringComparison.Ordinal);
        depth = 5;
        var text = collector.WriteText();
        Assert.Contains("\nfastmail_queue_depth 5\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_connections_open{listener=\"SMTP\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_connections_accepted_total{listener=\"SMTP\"} 10\n", text, StringComparison.Ordinal);
        Assert.Contains("\nfastmail_connections_refused_total{listener=\"SMTP\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nfastmail_storage_free_bytes ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoServersInOneProcessDoNotMixTheirNumbers()
    {
        using var first = new MailMetrics();
        using var second = new MailMetrics();
        using var collector = new MetricsCollector(first);
        second.MessageAccepted(10);
        first.MessageAccepted(10);

        Assert.Contains("\nfastmail_messages_accepted_total 1\n", collector.WriteText(), StringComparison.Ordinal);
        Assert.Equal([("", 1.0)], collector.Read("fastmail.messages.accepted"));
    }

    [Fact]
    public void RecordingAllocatesNothingOnceEachLabelSetWasSeen()
    {
        using var metrics = new MailMetrics();
        using var collector = new MetricsCollector(metrics);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < 100; i++)
        {
            Record(metrics, start);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Record(metrics, start);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Contains("\nfastmail_messages_accepted_total 10100\n", collector.WriteText(), StringComparison.Ordinal);

        static void Record(MailMetrics metrics, long start)
        {
            metrics.Command(MailMetrics.Smtp, "RCPT");
            metrics.Command(MailMetrics.Pop3, "RETR");
            metrics.MessageAccepted(1000);
            metrics.MessageRejected(RejectReason.RelayDenied);
            metrics.LoginFailed(MailMetrics.Pop3);
            metrics.Relayed(MailMetrics.Deferred);
            metrics.CommitFinished(start);
        }
    }

    [Fact]
    public void WithoutACollectorRecordingDoesNothingAndAllocatesNothing()
    {
        using var metrics = new MailMetrics();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            metrics.Command(MailMetrics.Smtp, "RCPT");
            metrics.MessageRejected(RejectReason.Quota);
            metrics.CommitFinished(0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>The two ways benchmarks run: a measurement run (scripts/bench) and the allocation budget check (scripts/bench-check).</summary>
internal static class BenchConfig
{
    /// <summary>
    /// Measurement run: the job comes from the command line (<c>--job short</c> or the default job), results are exported as
    /// GitHub markdown (copied into docs/BENCHMARKS.md) and JSON (read by scripts/bench-check).
    /// </summary>
    public static IConfig Standard() =>
        ManualConfig.CreateMinimumViable()
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond, new GigabytesPerSecondColumn())
            .AddExporter(new GitHubTableExporter(), Json)
            .WithOptions(ConfigOptions.DisableLogFile);

    /// <summary>
    /// Budget check: only <see cref="Categories.Budget"/> benchmarks, short 100 ms iterations, no overhead evaluation.
    /// Timings from it mean little; the allocation figures are what it is for. Each benchmark still runs in its own
    /// process: in process, the background threads of an earlier benchmark (a store's commit loop, timers) would count
    /// their allocations against the next one, and a zero budget would fail at random.
    /// </summary>
    public static IConfig Check() =>
        Standard()
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(6)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithEvaluateOverhead(false)
                .WithId("Check"))
            .AddFilter(new AnyCategoriesFilter([Categories.Budget]));

    // "-report.json": brief (no per-iteration measurements), indented so a person can read it too.
    private static readonly IExporter Json = JsonExporter.Custom(fileNameSuffix: "", indentJson: true, excludeMeasurements: true);
}

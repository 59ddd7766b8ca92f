namespace FastMail.Benchmarks.Infrastructure;

/// <summary>How this run was started; the budget check runs fewer parameter combinations of the slow benchmarks.</summary>
internal static class BenchMode
{
    /// <summary>True under <c>--check</c> (scripts/bench-check): short iterations, only benchmarks with a budget.</summary>
    public static bool IsCheck { get; set; }
}

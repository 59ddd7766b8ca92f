namespace FastMail.Benchmarks.Infrastructure;

/// <summary>Benchmark categories (BenchmarkDotNet's <c>--anyCategories</c> selects by them).</summary>
internal static class Categories
{
    /// <summary>Has an allocation budget in bench/budgets.json and runs in scripts/bench-check.</summary>
    public const string Budget = "Budget";

    public const string Storage = "Storage";

    public const string Parsing = "Parsing";

    public const string Data = "Data";

    public const string Session = "Session";
}

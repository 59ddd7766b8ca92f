using BenchmarkDotNet.Running;
using FastMail.Benchmarks.Infrastructure;

// Everything BenchmarkDotNet's command line takes works here (--filter, --job short, --artifacts, ...), plus
// --check: the allocation budget run of scripts/bench-check (see BenchConfig.Check).
BenchMode.IsCheck = args.Contains("--check");
var config = BenchMode.IsCheck ? BenchConfig.Check() : BenchConfig.Standard();
var summaries = BenchmarkSwitcher
    .FromAssembly(typeof(Program).Assembly)
    .Run([.. args.Where(a => a != "--check")], config);

// A benchmark that threw or failed validation must fail the script that ran it, not just print a warning.
var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;

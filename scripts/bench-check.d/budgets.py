"""Compares BenchmarkDotNet's JSON results with bench/budgets.json (used by scripts/bench-check).

  budgets.py --over-classes BUDGETS RUN_DIR           prints the classes (Namespace.Type) with a benchmark over budget
  budgets.py --table BUDGETS RUN_DIR [RUN_DIR2] NARGS  prints the table, exits 1 on any failure; a benchmark found in
                                                      both runs keeps its lower figure; NARGS > 0 means a filtered run
"""
import glob
import json
import os
import sys

# BenchmarkDotNet's Allocated is process-wide over one measurement iteration; runtime housekeeping (tiering, GC
# threads) allocates a few KB there (3.3-4.7 KB measured per iteration without tiering, enough to put a benchmark
# with few operations per iteration a few bytes over a 0-B budget). A result may exceed its budget by NOISE_BYTES / operations.
NOISE_BYTES = 16384


def load_results(run_dir):
    """{benchmark id: (class, result)} for every benchmark in the run's *-report.json files."""
    results = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "results", "*-report.json"))):
        with open(path) as f:
            report = json.load(f)
        for bench in report["Benchmarks"]:
            name = f'{bench["Type"]}.{bench["Method"]}'
            params = bench.get("Parameters") or ""
            full = f'{name}({params.replace("&", ", ")})' if params else name
            results[full] = (f'{bench["Namespace"]}.{bench["Type"]}', name, bench)
    return results


def judge(budgets, full, name, bench):
    """(allocated, budget, status, failed) for one benchmark."""
    memory = bench.get("Memory") or {}
    allocated = memory.get("BytesAllocatedPerOperation")
    if bench.get("Statistics") is None or allocated is None:
        return "-", "-", "FAILED: no result", True
    # The most specific entry wins: "Type.Method(P=1, Q=2)", then "Type.Method" for every parameter combination.
    key = full if full in budgets else name if name in budgets else None
    if key is None:
        return str(allocated), "-", "FAILED: no budget", True
    limit = budgets[key]["maxBytes"]
    slack = NOISE_BYTES // max(1, memory.get("TotalOperations") or 1)
    if allocated <= limit:
        return str(allocated), str(limit), "ok", False
    if allocated <= limit + slack:
        return str(allocated), str(limit), f"ok (noise allowance {slack} B)", False
    return str(allocated), str(limit), "OVER BUDGET", True


def allocated_of(entry):
    memory = entry[2].get("Memory") or {}
    value = memory.get("BytesAllocatedPerOperation")
    return float("inf") if value is None else value


def main():
    mode, budgets_path = sys.argv[1], sys.argv[2]
    with open(budgets_path) as f:
        budgets = json.load(f)["budgets"]

    if mode == "--over-classes":
        classes = {cls for full, (cls, name, bench) in load_results(sys.argv[3]).items() if judge(budgets, full, name, bench)[3]}
        print("\n".join(sorted(classes)))
        return 0

    first, second, filtered = sys.argv[3], sys.argv[4], sys.argv[5] != "0"
    results = load_results(first)
    for full, entry in load_results(second).items():
        if full not in results or allocated_of(entry) < allocated_of(results[full]):
            results[full] = entry

    rows, failures, used = [], 0, set()
    for full, (_, name, bench) in results.items():
        allocated, limit, status, failed = judge(budgets, full, name, bench)
        failures += failed
        used.update(k for k in (full, name) if k in budgets)
        rows.append((full, allocated, limit, status))

    if not rows:
        print("bench-check: no results in " + first)
        return 1

    headers = ("Benchmark", "Allocated B/op", "Budget B/op", "Status")
    widths = [max(len(r[i]) for r in rows + [headers]) for i in range(4)]

    def line(row):
        cells = [c.ljust(w) if i in (0, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "| " + " | ".join(cells) + " |"

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    if not filtered:
        for key in sorted(set(budgets) - used):
            print(f"note: budget '{key}' matched no benchmark (renamed or removed?)")
    print(f"{len(rows) - failures} within budget, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

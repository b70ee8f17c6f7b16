"""The bookkeeping of bench/engines.sh: labels each run's JSON report, then sums up all runs.

  engines_report.py label REPORT CONFIG ROUND SECONDS SERVER_JIFFIES GENERATOR_JIFFIES MACHINE_JIFFIES
  engines_report.py summary FOLDER CONFIG...   (a markdown table on standard output)
"""
import json
import os
import pathlib
import statistics
import sys


def label(report_path, config, round_, seconds, server, generator, machine):
    """Adds the configuration, the round and how many cores each party kept busy during the run."""
    path = pathlib.Path(report_path)
    report = json.loads(path.read_text())
    ticks = os.sysconf("SC_CLK_TCK")

    def cores(jiffies):
        return round(jiffies / ticks / float(seconds), 2)

    server, generator, machine = int(server), int(generator), int(machine)
    report.update(config=config, round=int(round_), cpuCores={
        "server": cores(server),
        "generator": cores(generator),
        "other": cores(max(0, machine - server - generator)),
    })
    path.write_text(json.dumps(report, indent=2) + "\n")


def summary(folder, *configs):
    """Medians across rounds per configuration and publisher count, with the ratio to the first
    configuration (memory) at the same publisher count."""
    reports = [json.loads(p.read_text()) for p in sorted(pathlib.Path(folder).glob("*.json"))]
    groups = {}
    for report in reports:
        groups.setdefault((report["config"], report["publishers"]), []).append(report)

    def median(runs, pick):
        return statistics.median(pick(run) for run in runs)

    def rps(run):
        return run["requestsPerSecond"]

    def millis(percentile):
        return lambda run: run["latencyMicros"][percentile] / 1000

    print("| engine | publishers | req/s (median) | req/s (min–max) | vs memory | p50 ms | p99 ms | p99.9 ms"
          " | errors | CPU cores: server / generator / other |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for publishers in sorted({count for _, count in groups}):
        baseline = groups.get((configs[0], publishers))
        for config in configs:
            runs = groups.get((config, publishers))
            if not runs:
                continue
            ratio = f"{median(runs, rps) / median(baseline, rps):.2f}×" if baseline else "–"
            cpu = " / ".join(f"{median(runs, lambda run: run['cpuCores'][who]):.2f}"
                             for who in ("server", "generator", "other"))
            print(f"| {config} | {publishers} | {median(runs, rps):,.0f}"
                  f" | {min(map(rps, runs)):,.0f}–{max(map(rps, runs)):,.0f} | {ratio}"
                  f" | {median(runs, millis('p50')):.3f} | {median(runs, millis('p99')):.3f}"
                  f" | {median(runs, millis('p99.9')):.3f} | {sum(run['errors'] for run in runs)} | {cpu} |")
    print(f"\n{len(reports)} runs in {len({report['round'] for report in reports})} round(s): medians across rounds;"
          " errors summed over all rounds, warm-up included; CPU in cores of this"
          f" {os.cpu_count()}-core machine, averaged over the generator's whole run (JVM start and warm-up"
          " included); 'other' is whatever else ran on the machine meanwhile.")


if __name__ == "__main__":
    commands = {"label": label, "summary": summary}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])

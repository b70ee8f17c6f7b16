"""The bookkeeping of bench/engines.sh: labels each run's JSON report, then sums up all runs.

  engines_report.py label REPORT CONFIG ROUND SECONDS SERVER_JIFFIES GENERATOR_JIFFIES MACHINE_JIFFIES
  engines_report.py summary FOLDER CONFIG...   (a markdown table on standard output)

The reports of one folder come from one bench: publish or jobs (the "bench" field of each report).
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
    """Medians across rounds per configuration and client count, with the ratio to the first
    configuration (memory) at the same client count."""
    reports = [json.loads(p.read_text()) for p in sorted(pathlib.Path(folder).glob("*.json"))]
    benches = {report.get("bench", "publish") for report in reports}
    if len(benches) != 1:
        sys.exit(f"{folder} holds reports of {len(benches)} benches ({', '.join(sorted(benches))}); summarise one at a time")
    if benches == {"jobs"}:
        jobs_summary(reports, configs)
    else:
        publish_summary(reports, configs)
    print(f"\n{len(reports)} runs in {len({report['round'] for report in reports})} round(s): medians across rounds;"
          " errors summed over all rounds, warm-up included; CPU in cores of this"
          f" {os.cpu_count()}-core machine, averaged over the generator's whole run (JVM start and warm-up"
          " included); 'other' is whatever else ran on the machine meanwhile.")


def median(runs, pick):
    return statistics.median(pick(run) for run in runs)


def millis(percentile, field="latencyMicros"):
    return lambda run: run[field][percentile] / 1000


def cpu(runs):
    return " / ".join(f"{median(runs, lambda run: run['cpuCores'][who]):.2f}" for who in ("server", "generator", "other"))


def rows(groups, configs, rate):
    """Each configuration's runs per client count, with the ratio of its median rate to the first's."""
    for clients in sorted({count for _, count in groups}):
        baseline = groups.get((configs[0], clients))
        for config in configs:
            runs = groups.get((config, clients))
            if runs:
                ratio = f"{median(runs, rate) / median(baseline, rate):.2f}×" if baseline else "–"
                yield config, clients, runs, ratio


def publish_summary(reports, configs):
    groups = {}
    for report in reports:
        groups.setdefault((report["config"], report["publishers"]), []).append(report)

    def rps(run):
        return run["requestsPerSecond"]

    print("| engine | publishers | req/s (median) | req/s (min–max) | vs memory | p50 ms | p99 ms | p99.9 ms"
          " | errors | CPU cores: server / generator / other |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for config, publishers, runs, ratio in rows(groups, configs, rps):
        print(f"| {config} | {publishers} | {median(runs, rps):,.0f}"
              f" | {min(map(rps, runs)):,.0f}–{max(map(rps, runs)):,.0f} | {ratio}"
              f" | {median(runs, millis('p50')):.3f} | {median(runs, millis('p99')):.3f}"
              f" | {median(runs, millis('p99.9')):.3f} | {sum(run['errors'] for run in runs)} | {cpu(runs)} |")


def jobs_summary(reports, configs):
    groups = {}
    for report in reports:
        groups.setdefault((report["config"], (report["submitters"], report["workers"])), []).append(report)

    def jps(run):
        return run["jobsPerSecond"]

    def sps(run):
        return run["submitsPerSecond"]

    def backlog(run):
        counts = run.get("queuesAtDeadline")
        return counts["queued"] + counts["running"] if counts else float("nan")

    def exactly_once(runs):
        verified = sum(1 for run in runs if run["verification"]["verified"])
        lost = sum(run["verification"]["lost"] for run in runs)
        duplicated = sum(run["verification"]["duplicated"] for run in runs)
        return f"{verified}/{len(runs)} ({lost} lost, {duplicated} dup.)"

    print("| engine | submitters × workers | jobs/s (median) | jobs/s (min–max) | vs memory | submits/s"
          " | submit→complete p50 ms | p99 ms | submit p50 ms | p99 ms | claim+complete p50 ms | p99 ms"
          " | backlog at deadline | verified | errors | CPU cores: server / generator / other |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for config, (submitters, workers), runs, ratio in rows(groups, configs, jps):
        print(f"| {config} | {submitters} × {workers} | {median(runs, jps):,.0f}"
              f" | {min(map(jps, runs)):,.0f}–{max(map(jps, runs)):,.0f} | {ratio} | {median(runs, sps):,.0f}"
              f" | {median(runs, millis('p50')):,.1f} | {median(runs, millis('p99')):,.1f}"
              f" | {median(runs, millis('p50', 'submitLatencyMicros')):.3f}"
              f" | {median(runs, millis('p99', 'submitLatencyMicros')):.3f}"
              f" | {median(runs, millis('p50', 'claimCompleteLatencyMicros')):.3f}"
              f" | {median(runs, millis('p99', 'claimCompleteLatencyMicros')):.3f}"
              f" | {median(runs, backlog):,.0f} | {exactly_once(runs)} | {sum(run['errors'] for run in runs)}"
              f" | {cpu(runs)} |")


if __name__ == "__main__":
    commands = {"label": label, "summary": summary}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])

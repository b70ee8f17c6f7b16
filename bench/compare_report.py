"""The summing up of bench/compare: medians across rounds of each scenario on Switchboard and on
Nchan, their ratio, and a chart.

  compare_report.py OUT [--docs DOCS]

OUT is a folder bench/compare wrote: setup.json (the machine and the configuration) and json/*.json
(one generator report per run, labelled with its server, round, scenario and CPU use). Prints one
markdown section per bench (publish, ...) on standard output; with --docs, also writes each as the
section of DOCS/benchmarks.md between its markers (replacing an earlier one, else appended) and
its chart as DOCS/benchmarks-compare-BENCH.png.

A new bench needs one entry in METRICS: which field of its report is the rate, and which holds
the latency percentiles.
"""
import json
import pathlib
import re
import statistics
import sys
from collections import namedtuple

Metric = namedtuple("Metric", "rate unit latency title what")

METRICS = {
    "publish": Metric(
        rate="requestsPerSecond", unit="req/s", latency="latencyMicros",
        title="Switchboard vs Nchan: publish",
        what="C closed-loop publishers, each with one keep-alive HTTP/1.1 connection and one 100-byte"
             " publish in flight, no subscribers: publishes accepted per second (Switchboard `201`,"
             " Nchan `202`) and the latency of each, from sending it to reading its whole answer."),
}
SERVERS = ("switchboard", "nchan")
NAMES = {"switchboard": "Switchboard", "nchan": "Nchan"}
COLOURS = {"switchboard": "#1f6fb4", "nchan": "#e08a1e"}


def median(runs, pick):
    return statistics.median(pick(run) for run in runs)


def load(out):
    setup = json.loads((out / "setup.json").read_text())
    reports = [json.loads(path.read_text()) for path in sorted((out / "json").glob("*.json"))]
    return setup, reports


def summarise(setup, reports, bench):
    """Per scenario of this bench, in setup order: each server's runs, medians and the ratio."""
    metric = METRICS[bench]
    rows = []
    for scenario in setup["scenarios"]:
        if scenario["bench"] != bench:
            continue
        by_server = {server: [r for r in reports if r["scenario"] == scenario["name"] and r["config"] == server]
                     for server in SERVERS}
        if not all(by_server.values()):
            continue
        medians = {server: median(runs, lambda run: run[metric.rate]) for server, runs in by_server.items()}
        rows.append((scenario, by_server, medians, medians["switchboard"] / medians["nchan"]))
    return rows


def latency(runs, metric, percentile):
    return median(runs, lambda run: run[metric.latency][percentile] / 1000)


def cpu(runs):
    return " / ".join(f"{median(runs, lambda run: run['cpuCores'][who]):.2f}" for who in ("server", "generator", "other"))


def server_micros_per_request(run, metric, setup):
    """Server CPU time per request, roughly: its CPU over the generator's whole run, divided by the
    requests of that run as if warm-up went at the counted rate (JVM start and the last answers add
    a little time, so this errs high)."""
    loaded = setup["warmupSeconds"] + setup["durationSeconds"]
    return run["cpuCores"]["server"] * run["runSeconds"] * 1e6 / (run[metric.rate] * loaded)


def table(rows, metric, setup):
    lines = [f"| scenario | server | {metric.unit} (median) | {metric.unit} (min–max) | Switchboard ÷ Nchan"
             " | p50 ms | p99 ms | p99.9 ms | errors | CPU cores: server / generator / other | server CPU µs per request ≈ |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for scenario, by_server, medians, ratio in rows:
        for server in SERVERS:
            runs = by_server[server]
            rates = [run[metric.rate] for run in runs]
            lines.append(
                f"| {scenario['label']} | {NAMES[server]} | {medians[server]:,.0f} | {min(rates):,.0f}–{max(rates):,.0f}"
                f" | {f'**{ratio:.2f}×**' if server == 'switchboard' else ''}"
                f" | {latency(runs, metric, 'p50'):.3f} | {latency(runs, metric, 'p99'):.3f}"
                f" | {latency(runs, metric, 'p99.9'):.3f} | {sum(run['errors'] for run in runs)} | {cpu(runs)}"
                f" | {median(runs, lambda run: server_micros_per_request(run, metric, setup)):.0f} |")
    return "\n".join(lines)


def chart(rows, metric, setup, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [scenario["label"] for scenario, *_ in rows]
    x = range(len(rows))
    width = 0.38
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    for offset, server in ((-width / 2, "switchboard"), (width / 2, "nchan")):
        values = [medians[server] for _, _, medians, _ in rows]
        low = [medians[server] - min(r[metric.rate] for r in by[server]) for _, by, medians, _ in rows]
        high = [max(r[metric.rate] for r in by[server]) - medians[server] for _, by, medians, _ in rows]
        bars = left.bar([i + offset for i in x], values, width, yerr=[low, high], capsize=4,
                        color=COLOURS[server], label=NAMES[server])
        left.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=2, fontsize=8, label_type="center",
                       color="white")
        p50 = [latency(by[server], metric, "p50") for _, by, _, _ in rows]
        p99 = [latency(by[server], metric, "p99") for _, by, _, _ in rows]
        right.bar([i + offset for i in x], p99, width, color=COLOURS[server], alpha=0.35,
                  label=f"{NAMES[server]} p99")
        right.bar([i + offset for i in x], p50, width, color=COLOURS[server], label=f"{NAMES[server]} p50")
    for i, (_, by, medians, ratio) in enumerate(rows):
        top = max(max(r[metric.rate] for r in by[s]) for s in SERVERS)
        left.annotate(f"Switchboard {ratio:.2f}× Nchan", (i, top), textcoords="offset points", xytext=(0, 6),
                      ha="center", fontsize=9, fontweight="bold")
    left.set_xticks(list(x), labels)
    left.set_ylabel(f"{metric.unit}, median of {setup['rounds']} rounds (bars: min–max)")
    left.set_ylim(0, left.get_ylim()[1] * 1.12)
    left.legend(loc="upper left", fontsize=8)
    left.set_title("Throughput (higher is better)", fontsize=10)
    right.set_xticks(list(x), labels, fontsize=8)
    right.set_yscale("log")
    right.set_ylabel("latency, ms (log scale)")
    right.legend(fontsize=7)
    right.set_title("Latency p50 (solid) and p99 (pale); lower is better", fontsize=10)
    fig.suptitle(f"{metric.title}. {setup['nproc']} cores shared: servers on CPU {setup['serverCpus']},"
                 f" generator on CPU {setup['generatorCpus']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def section(setup, rows, bench, reports, chart_name):
    metric = METRICS[bench]
    runs = [run for _, by, _, _ in rows for server in SERVERS for run in by[server]]
    other = max(run["cpuCores"]["other"] for run in runs)
    errors = sum(run["errors"] for run in runs)
    cpus, gen = setup["serverCpus"], setup["generatorCpus"]
    server_cores = "one core" if setup["nchanWorkers"] == 1 else f"{setup['nchanWorkers']} cores"
    return f"""## {metric.title}

{metric.what} Each scenario ran against Switchboard (memory engine) and Nchan in turn, a fresh
server for every run.

### Machine

| | |
|---|---|
| CPU | {setup['nproc']} cores (`nproc`), reported as "{setup['cpuModel']}", in a virtual machine |
| RAM | {setup['memGiB']} GiB |
| Java | {setup['java']} |
| kernel | Linux {setup['kernel']} |
| Nchan | nginx {setup['nginx']} with Debian's `libnginx-mod-nchan` {setup['nchan']} |

**Server and load generator share the {setup['nproc']} cores of this machine, with whatever else
runs on it.** Both servers were pinned to CPU {cpus} and the generator to CPU {gen} (`taskset`), so
each figure is what {server_cores} of server does against one core of generator; it is not what
either server does on a machine of its own. The last column of the table shows how busy each party
kept the machine; "other" (everything else, kernel threads included) reached {other:.2f} cores at most.

### Command and configuration

```sh
{setup['command']}
```

- Pinning: `taskset -c {cpus}` for either server, `taskset -c {gen}` for the generator: the same CPU
  set for both servers, chosen so that neither competes with the generator for a core.
- Switchboard: `{setup['switchboardCommand']}`. It deploys one HTTP server per
  processor the JVM sees (`availableProcessors`, which the CPU set limits to
  {setup['nchanWorkers']}), so it serves on {setup['nchanWorkers']} event loop(s); its GC and JIT threads share the same
  CPU set. The JVM picked `{setup['serverGc']}` for itself (with one CPU, JDK 17 does not use G1).
  Memory engine, default retention (1,000 messages per channel).
- Nchan: `{setup['nchanCommand']}`: `worker_processes {setup['nchanWorkers']}` (one per CPU of the set,
  as Switchboard's event loops), `nchan_max_reserved_memory {setup['nchanSharedMemory']}`,
  `nchan_message_buffer_length 1000`, `nchan_message_timeout 1h`, no access log,
  `keepalive_requests` raised so that no connection is closed during a run
  ([bench/peers/nchan](../bench/peers/nchan/README.md) has the whole configuration).
- Load: the same generator for both (`./switchboard bench`, `java {setup['benchJavaOpts']}`,
  {setup['generatorEventLoops']} event loop), only `--target` differing: it publishes to
  `/v1/channels/bench0/messages` or `/pub/bench0`; {setup['warmupSeconds']} s of warm-up, then
  {setup['durationSeconds']} s counted.
- {setup['rounds']} rounds; each round runs every scenario on both servers, Switchboard first in
  odd rounds and Nchan first in even ones. Medians across rounds; "Switchboard ÷ Nchan" is the ratio
  of the median rates. Every figure comes from this one run of the script.

### Results

{table(rows, metric, setup)}

![{metric.title}]({chart_name})

{len(runs)} runs, {errors} errors (summed over all rounds, warm-up included). CPU is averaged over
each generator's whole run (JVM start and warm-up included), in cores of this {setup['nproc']}-core
machine. "Server CPU µs per request" is the server's CPU time over the run divided by its requests,
counting warm-up at the measured rate: rough, but it does not depend on how fast the generator is.
When the generator keeps its core all but fully busy (the generator column near 1.00) it, not
the server, sets the pace, and the rate understates what that server could take. Run-to-run
spread on this shared machine is large; treat differences inside the min–max columns as noise.
"""


def write_section(docs, bench, text):
    path = docs / "benchmarks.md"
    begin = f"<!-- bench/compare {bench}: begin (generated by bench/compare; a rerun replaces it) -->"
    end = f"<!-- bench/compare {bench}: end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current)
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(updated)


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    out = pathlib.Path(argv[0])
    docs = pathlib.Path(argv[argv.index("--docs") + 1]) if "--docs" in argv else None
    setup, reports = load(out)
    for bench in dict.fromkeys(scenario["bench"] for scenario in setup["scenarios"]):
        if bench not in METRICS:
            sys.exit(f"compare_report.py: no metric for bench {bench}; add it to METRICS")
        rows = summarise(setup, reports, bench)
        if not rows:
            print(f"compare_report.py: no complete scenario of {bench} in {out}", file=sys.stderr)
            continue
        chart_name = f"benchmarks-compare-{bench}.png"
        text = section(setup, rows, bench, reports, chart_name)
        print(text)
        chart(rows, METRICS[bench], setup, (docs or out) / chart_name)
        if docs:
            write_section(docs, bench, text)


if __name__ == "__main__":
    main(sys.argv[1:])

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
import textwrap
import sys
from collections import namedtuple

Metric = namedtuple("Metric", "rate unit latency title what load kind")

DELIVERY_LOAD = ("one open-loop publisher (one pipelined keep-alive connection) publishes 100-byte messages at"
                 " the scenario's fixed rate to `/v1/channels/benchN/messages` or `/pub/benchN`, after every"
                 " subscriber is subscribed (Switchboard: `GET /v1/channels/benchN/messages` as an event stream,"
                 " `subscribe` frames on `/v1/ws`, long polls with `after=`; Nchan: `/sub/benchN` as EventSource,"
                 " WebSocket or long poll). Each message carries its sequence number and the time it was due, so"
                 " every subscriber checks what it got against what the server accepted: lost (not there 5 s"
                 " after the last publish was answered), duplicated, reordered")
METRICS = {
    "publish": Metric(
        rate="requestsPerSecond", unit="req/s", latency="latencyMicros",
        title="Switchboard vs Nchan: publish",
        what="C closed-loop publishers, each with one keep-alive HTTP/1.1 connection and one 100-byte"
             " publish in flight, no subscribers: publishes accepted per second (Switchboard `201`,"
             " Nchan `202`) and the latency of each, from sending it to reading its whole answer.",
        load="it publishes to `/v1/channels/bench0/messages` or `/pub/bench0`", kind="throughput"),
    "fanout": Metric(
        rate="deliveriesPerSecond", unit="deliveries/s", latency="latencyMicros",
        title="Switchboard vs Nchan: fan-out",
        what="S subscribers on one channel, each with its own connection (SSE, WebSocket or long poll), and"
             " one publisher at a fixed rate R: deliveries per second (R × S for a server that keeps up) and"
             " the end-to-end latency of each delivery, from when the message was due to be published to its"
             " receipt by the subscriber (open loop: a server that falls behind shows as latency, not as a"
             " slower publisher).",
        load=DELIVERY_LOAD, kind="delivery"),
    "channels": Metric(
        rate="deliveriesPerSecond", unit="deliveries/s", latency="latencyMicros",
        title="Switchboard vs Nchan: many channels",
        what="S channels with one subscriber (one connection) each; T times per second the publisher sends one"
             " message to every channel (a burst of S publishes per tick): deliveries per second and the"
             " end-to-end latency of each, from when the message was due to its receipt.",
        load=DELIVERY_LOAD, kind="delivery"),
    "idle": Metric(
        rate="bytesPerConnection", unit="bytes/connection", latency=None,
        title="Switchboard vs Nchan: idle connections",
        what="N subscribers that receive nothing (SSE, one connection each, on one channel): the growth of the"
             " server's memory per open connection, between before they were opened and once all had been open"
             " for the warm-up; lower is better.",
        load="it opens the idle connections (256 at a time) and reads the server's memory from `/proc`: for"
             " Switchboard the JVM's, for Nchan the sum over nginx's master and workers; `VmRSS` summed, and"
             " `Pss` (`smaps_rollup`) summed, which counts pages the processes share once", kind="memory"),
}
SERVERS = ("switchboard", "nchan")
PER = {"req/s": "request", "deliveries/s": "delivery"}
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
    """Server CPU time per request or delivery: what the generator measured over the counted window
    when it was given the server's pids (fanout, channels), else, roughly, the server's CPU over the
    generator's whole run divided by the requests of that run as if warm-up went at the counted rate
    (JVM start, the JIT's warm-up and the last answers add time, so this errs high)."""
    if "serverCpu" in run:
        return run["serverCpu"]["microsPerDelivery"]
    loaded = setup["warmupSeconds"] + setup["durationSeconds"]
    return run["cpuCores"]["server"] * run["runSeconds"] * 1e6 / (run[metric.rate] * loaded)


def table(rows, metric, setup):
    if metric.kind == "memory":
        return memory_table(rows, metric)
    delivery = metric.kind == "delivery"
    lines = [f"| scenario | server | {metric.unit} (median) | {metric.unit} (min–max) | Switchboard ÷ Nchan"
             + (" | expected/s" if delivery else "")
             + " | p50 ms | p99 ms | p99.9 ms | max ms"
             + (" | lost / dup / reordered" if delivery else "")
             + f" | errors | CPU cores: server / generator / other | server CPU µs per {PER[metric.unit]} ≈ |",
             "|---|---|---:|---:|---:|" + ("---:|" if delivery else "") + "---:|---:|---:|---:|"
             + ("---:|" if delivery else "") + "---:|---:|---:|"]
    for scenario, by_server, medians, ratio in rows:
        for server in SERVERS:
            runs = by_server[server]
            rates = [run[metric.rate] for run in runs]
            expected = f" | {median(runs, lambda run: run['expectedDeliveriesPerSecond']):,.0f}" if delivery else ""
            checks = (f" | {sum(run['lost'] for run in runs)} / {sum(run['duplicated'] for run in runs)}"
                      f" / {sum(run['reordered'] for run in runs)}") if delivery else ""
            lines.append(
                f"| {scenario['label']} | {NAMES[server]} | {medians[server]:,.0f} | {min(rates):,.0f}–{max(rates):,.0f}"
                f" | {f'**{ratio:.2f}×**' if server == 'switchboard' else ''}{expected}"
                f" | {latency(runs, metric, 'p50'):,.3f} | {latency(runs, metric, 'p99'):,.3f}"
                f" | {latency(runs, metric, 'p99.9'):,.3f} | {latency(runs, metric, 'max'):,.3f}{checks}"
                f" | {sum(run['errors'] for run in runs)} | {cpu(runs)}"
                f" | {median(runs, lambda run: server_micros_per_request(run, metric, setup)):.1f} |")
    return "\n".join(lines)


def memory_table(rows, metric):
    lines = ["| scenario | server | bytes/connection, VmRSS (median) | min–max | Switchboard ÷ Nchan"
             " | bytes/connection, Pss (median) | Switchboard ÷ Nchan (Pss) | MB before → open (median)"
             " | connections held | processes | errors |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for scenario, by_server, medians, ratio in rows:
        pss = {server: median(runs, lambda run: run.get("proportionalBytesPerConnection") or 0)
               for server, runs in by_server.items()}
        pss_ratio = f"**{pss['switchboard'] / pss['nchan']:.2f}×**" if pss["nchan"] else "–"
        for server in SERVERS:
            runs = by_server[server]
            rates = [run[metric.rate] for run in runs]
            lines.append(
                f"| {scenario['label']} | {NAMES[server]} | {medians[server]:,.0f} | {min(rates):,.0f}–{max(rates):,.0f}"
                f" | {f'**{ratio:.2f}×**' if server == 'switchboard' else ''} | {pss[server]:,.0f}"
                f" | {pss_ratio if server == 'switchboard' else ''}"
                f" | {median(runs, lambda run: run['residentBytesBefore']) / 2**20:,.1f} →"
                f" {median(runs, lambda run: run['residentBytesOpen']) / 2**20:,.1f}"
                f" | {min(run['subscribed'] for run in runs):,} of {runs[0]['connections']:,}"
                f" | {len(runs[0]['serverPids'])} | {sum(run['errors'] for run in runs)} |")
    return "\n".join(lines)


def chart(rows, metric, setup, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if metric.kind == "memory":
        return memory_chart(rows, metric, setup, path, plt)
    labels = [textwrap.fill(scenario["label"], 22) for scenario, *_ in rows]
    x = range(len(rows))
    width = 0.38
    fig, (left, right) = plt.subplots(1, 2, figsize=(11 if len(rows) <= 2 else 14, 5), gridspec_kw={"width_ratios": [3, 2]})
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
        if metric.kind == "delivery":
            p999 = [latency(by[server], metric, "p99.9") for _, by, _, _ in rows]
            right.scatter([i + offset for i in x], p999, color=COLOURS[server], marker="_", s=200,
                          label=f"{NAMES[server]} p99.9")
        right.bar([i + offset for i in x], p50, width, color=COLOURS[server], label=f"{NAMES[server]} p50")
    for i, (_, by, medians, ratio) in enumerate(rows):
        top = max(max(r[metric.rate] for r in by[s]) for s in SERVERS)
        left.annotate(f"Switchboard {ratio:.2f}× Nchan", (i, top), textcoords="offset points", xytext=(0, 6),
                      ha="center", fontsize=9, fontweight="bold")
    left.set_xticks(list(x), labels, fontsize=8 if len(rows) > 2 else 10)
    left.set_ylabel(f"{metric.unit}, median of {setup['rounds']} rounds (bars: min–max)")
    left.set_ylim(0, left.get_ylim()[1] * 1.12)
    left.legend(loc="upper left", fontsize=8)
    left.set_title("Throughput (higher is better)", fontsize=10)
    right.set_xticks(list(x), [textwrap.fill(label, 16) for label in labels], fontsize=7)
    right.set_yscale("log")
    right.set_ylabel("latency, ms (log scale)")
    right.legend(fontsize=7)
    right.set_title("Latency: p50 (solid), p99 (pale)" + (", p99.9 (dash)" if metric.kind == "delivery" else "")
                    + "; lower is better", fontsize=9)
    fig.suptitle(f"{metric.title}. {setup['nproc']} cores shared: servers on CPU {setup['serverCpus']},"
                 f" generator on CPU {setup['generatorCpus']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def memory_chart(rows, metric, setup, path, plt):
    labels = [scenario["label"] for scenario, *_ in rows]
    fig, axis = plt.subplots(figsize=(8, 4.6))
    kinds = (("bytesPerConnection", "VmRSS"), ("proportionalBytesPerConnection", "Pss"))
    width = 0.2
    for j, (field, name) in enumerate(kinds):
        for k, server in enumerate(SERVERS):
            offset = (j * 2 + k - 1.5) * width
            values = [median(by[server], lambda run: run.get(field) or 0) for _, by, _, _ in rows]
            bars = axis.bar([i + offset for i in range(len(rows))], values, width, color=COLOURS[server],
                            alpha=1.0 if name == "VmRSS" else 0.5, label=f"{NAMES[server]}, {name}")
            axis.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=2, fontsize=8)
    for i, (_, by, medians, ratio) in enumerate(rows):
        axis.annotate(f"Switchboard {ratio:.2f}× Nchan (VmRSS)", (i, max(medians.values())), textcoords="offset points",
                      xytext=(0, 18), ha="center", fontsize=9, fontweight="bold")
    axis.set_xticks(list(range(len(rows))), labels)
    axis.set_ylabel(f"server memory growth, bytes per idle connection\n(median of {setup['rounds']} rounds)")
    axis.set_ylim(0, axis.get_ylim()[1] * 1.2)
    axis.legend(fontsize=8, loc="upper right")
    axis.set_title("Memory per idle connection (lower is better)", fontsize=10)
    fig.suptitle(f"{metric.title}. {setup['nproc']} cores shared: servers on CPU {setup['serverCpus']},"
                 f" generator on CPU {setup['generatorCpus']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def notes(metric, setup):
    """What to keep in mind when reading the table, by kind of bench."""
    if metric.kind == "memory":
        return f"""The memory is read {setup['warmupSeconds']} s after the last connection was subscribed and again
{setup['durationSeconds']} s later; bytes per connection is the growth between before the first one was
opened and the first reading, divided by the connections held. For Switchboard it is the JVM's memory
(one process: `VmRSS` and `Pss` grow alike), and includes heap the JVM committed and does not give
back (an upper bound of what a connection holds live; `-Xms1g` commits the heap's address range up
front, but its pages count only once touched). For Nchan it is nginx's master and worker(s) summed:
`VmRSS` counts a page of the shared-memory zone once per process that touched it, `Pss` once in all.
Neither server published anything during these runs."""
    per = PER[metric.unit]
    text = f"""CPU is averaged over each generator's whole run (JVM start and warm-up included), in cores of this
{setup['nproc']}-core machine. """ + (f""""Server CPU µs per {per}" is the server's CPU time (read from `/proc`
by the generator) over the counted window, divided by the {metric.unit.split('/')[0]} of that window: it does
not depend on how fast the generator is.""" if metric.kind == "delivery" else f""""Server CPU µs per {per}" is the server's CPU time over the run divided
by its {metric.unit.split('/')[0]}, counting warm-up at the measured rate: rough, but it does not depend on how
fast the generator is.""") + f""" When the generator keeps its core all but fully busy (the generator column near
1.00) it, not the server, sets the pace, and the rate understates what that server could take. Run-to-run
spread on this shared machine is large; treat differences inside the min–max columns as noise."""
    if metric.kind == "delivery":
        text += f"""

The rate is fixed (open loop), so a server that keeps up delivers the expected rate and the ratio of
deliveries/s is about 1.00: the scenarios tell the servers apart by latency, by how many of the
{metric.unit} were late, and by CPU per delivery. Latency is from when a message was due to be
published to its receipt, over the counted window; lost / dup / reordered are summed over all rounds
and subscribers, the whole run included."""
    return text


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
- Switchboard: `{setup['switchboardCommand']}`, the launcher adding its own JVM flags
  first (`{setup['launcherJavaOpts']}`). It deploys one HTTP server per
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
  {setup['generatorEventLoops']} event loop, `ulimit -n` {setup.get('nofile', 'as the shell had it')}), only `--target` differing:
  {metric.load}; {setup['warmupSeconds']} s of warm-up, then {setup['durationSeconds']} s counted.
- {setup['rounds']} rounds; each round runs every scenario on both servers, Switchboard first in
  odd rounds and Nchan first in even ones. Medians across rounds; "Switchboard ÷ Nchan" is the ratio
  of the median rates. Every figure comes from this one run of the script.

### Results

{table(rows, metric, setup)}

![{metric.title}]({chart_name})

{len(runs)} runs, {errors} errors (summed over all rounds, warm-up included). {notes(metric, setup)}
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

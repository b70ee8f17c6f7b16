package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The outcome of one run: its plan and what the publishers counted, as a table and as JSON. */
record BenchReport(BenchPlan plan, Tally tally) {
  private static final double[] PERCENTILES = {50, 90, 99, 99.9};
  private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};

  double requestsPerSecond() {
    return tally.created() / (plan.duration().toNanos() / 1e9);
  }

  /** The summary for people: one header line, one table, and the error causes if there were any. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "PublishBench %s: %d publisher(s) on %d channel(s), %d-byte messages,"
            + " %d s counted after %d s of warm-up, %d event loop(s)%n",
        plan.server(), plan.publishers(), plan.channels(), plan.messageSize(), plan.duration().toSeconds(),
        plan.warmup().toSeconds(), plan.eventLoops()));
    out.append(String.format(Locale.ROOT, "%12s %9s %9s %9s %9s %9s %10s %7s%n",
        "requests/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "created", "errors"));
    Histogram latencies = tally.latencyMicros();
    out.append(String.format(Locale.ROOT, "%12.1f", requestsPerSecond()));
    for (double percentile : PERCENTILES) {
      out.append(String.format(Locale.ROOT, " %9.3f", millis(latencies.getValueAtPercentile(percentile))));
    }
    out.append(String.format(Locale.ROOT, " %9.3f %10d %7d%n", millis(latencies.getMaxValue()), tally.created(),
        tally.errors()));
    if (tally.errors() > 0) {
      out.append("errors (whole run, warm-up included): ").append(tally.errorsByCause().entrySet().stream()
          .map(cause -> cause.getValue() + " × " + cause.getKey())
          .collect(Collectors.joining("; "))).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The same figures for scripts; latencies in microseconds. */
  JsonObject json() {
    Histogram latencies = tally.latencyMicros();
    JsonObject latencyMicros = new JsonObject();
    for (int i = 0; i < PERCENTILES.length; i++) {
      latencyMicros.put(PERCENTILE_NAMES[i], latencies.getValueAtPercentile(PERCENTILES[i]));
    }
    latencyMicros.put("max", latencies.getMaxValue()).put("mean", latencies.getMean());
    JsonObject errorsByCause = new JsonObject();
    tally.errorsByCause().forEach(errorsByCause::put);
    return new JsonObject()
        .put("url", plan.server().toString())
        .put("publishers", plan.publishers())
        .put("channels", plan.channels())
        .put("messageSize", plan.messageSize())
        .put("warmupSeconds", plan.warmup().toSeconds())
        .put("durationSeconds", plan.duration().toSeconds())
        .put("eventLoops", plan.eventLoops())
        .put("created", tally.created())
        .put("requestsPerSecond", requestsPerSecond())
        .put("latencyMicros", latencyMicros)
        .put("errors", tally.errors())
        .put("errorsByCause", errorsByCause);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}

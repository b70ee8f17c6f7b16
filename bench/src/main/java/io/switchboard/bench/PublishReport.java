package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The outcome of one run of {@link PublishBench}: its plan and what the publishers counted. */
record PublishReport(PublishPlan plan, PublisherTally tally) implements BenchReport {
  double requestsPerSecond() {
    return tally.created() / (plan.bench().duration().toNanos() / 1e9);
  }

  @Override
  public boolean passed() {
    return tally.errors() == 0;
  }

  @Override
  public String table() {
    BenchPlan bench = plan.bench();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "PublishBench %s (%s): %d publisher(s) on %d channel(s), %d-byte messages,"
            + " %d s counted after %d s of warm-up, %d event loop(s)%n",
        bench.server(), bench.target().name(), plan.publishers(), plan.channels(), bench.bodySize(), bench.duration().toSeconds(),
        bench.warmup().toSeconds(), bench.eventLoops()));
    out.append(String.format(Locale.ROOT, "%12s%s %10s %7s%n", "requests/s", Latencies.headers(), "created", "errors"));
    out.append(String.format(Locale.ROOT, "%12.1f%s %10d %7d%n", requestsPerSecond(), Latencies.cells(tally.latencyMicros()),
        tally.created(), tally.errors()));
    if (tally.errors() > 0) {
      out.append("errors (whole run, warm-up included): ").append(ErrorCounts.describe(tally.errorsByCause()))
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  @Override
  public JsonObject json() {
    BenchPlan bench = plan.bench();
    JsonObject errorsByCause = new JsonObject();
    tally.errorsByCause().forEach(errorsByCause::put);
    return new JsonObject()
        .put("bench", "publish")
        .put("url", bench.server().toString())
        .put("target", bench.target().name())
        .put("publishers", plan.publishers())
        .put("channels", plan.channels())
        .put("messageSize", bench.bodySize())
        .put("warmupSeconds", bench.warmup().toSeconds())
        .put("durationSeconds", bench.duration().toSeconds())
        .put("eventLoops", bench.eventLoops())
        .put("created", tally.created())
        .put("requestsPerSecond", requestsPerSecond())
        .put("latencyMicros", Latencies.json(tally.latencyMicros()))
        .put("errors", tally.errors())
        .put("errorsByCause", errorsByCause);
  }
}

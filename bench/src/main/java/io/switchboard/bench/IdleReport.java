package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The outcome of one run of {@link IdleBench}: the server's resident memory (summed {@code VmRSS})
 * before the connections were opened, once they had all been open for the settle time, and at the
 * end of the hold; and its proportional memory (summed {@code Pss}) before and after settling,
 * which counts pages that the server's processes share once (see {@link ServerProcess}).
 *
 * @param proportionalBefore empty when the kernel does not show it
 * @param endedWhileOpen connections that ended before the run closed them
 */
record IdleReport(IdlePlan plan, GroupTally tally, long residentBefore, long residentOpen, long residentEnd,
    OptionalLong proportionalBefore, OptionalLong proportionalOpen, long endedWhileOpen) implements BenchReport {

  /** The growth of the server's resident memory (summed VmRSS) per open connection, after the settle time. */
  double bytesPerConnection() {
    return perConnection(residentOpen - residentBefore);
  }

  /** The growth of the server's proportional memory (summed Pss) per open connection, or empty when it was not read. */
  OptionalDouble proportionalBytesPerConnection() {
    return proportionalBefore.isPresent() && proportionalOpen.isPresent()
        ? OptionalDouble.of(perConnection(proportionalOpen.getAsLong() - proportionalBefore.getAsLong()))
        : OptionalDouble.empty();
  }

  private double perConnection(long growth) {
    return tally.subscribed() == 0 ? 0 : growth / (double) tally.subscribed();
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (tally.subscribed() < tally.subscribers()) {
      problems.add((tally.subscribers() - tally.subscribed()) + " connection(s) never subscribed");
    }
    if (endedWhileOpen > 0) {
      problems.add(endedWhileOpen + " connection(s) ended while held open");
    }
    if (tally.errors() > 0) {
      problems.add(tally.errors() + " error(s)");
    }
    return problems;
  }

  @Override
  public boolean passed() {
    return problems().isEmpty();
  }

  @Override
  public String table() {
    SubscriberPlan subscribers = plan.subscribers();
    BenchPlan run = subscribers.bench();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "IdleBench %s (%s): %d idle %s connection(s) on %d channel(s), server pid(s) %s,"
            + " measured %d s after the last opened, held %d s more%n",
        run.server(), subscribers.target().name(), subscribers.subscribers(), subscribers.via().option(), subscribers.channels(),
        plan.server().describe(), run.warmup().toSeconds(), run.duration().toSeconds()));
    out.append(String.format(Locale.ROOT, "%11s %12s %12s %12s %14s %14s %7s%n", "subscribed", "RSS before", "RSS open", "RSS end",
        "bytes/conn", "Pss bytes/conn", "errors"));
    OptionalDouble proportional = proportionalBytesPerConnection();
    out.append(String.format(Locale.ROOT, "%11d %10.1f MB %10.1f MB %10.1f MB %14.0f %14s %7d%n", tally.subscribed(), mb(residentBefore),
        mb(residentOpen), mb(residentEnd), bytesPerConnection(),
        proportional.isPresent() ? String.format(Locale.ROOT, "%.0f", proportional.getAsDouble()) : "-", tally.errors()));
    out.append(String.format(Locale.ROOT, "memory: summed over %d process(es); bytes/conn from VmRSS, Pss bytes/conn from"
        + " smaps_rollup (shared pages counted once), both between before and open%n", plan.server().pids().size()));
    if (tally.errors() > 0) {
      out.append("errors (whole run): ").append(ErrorCounts.describe(tally.errorsByCause())).append(System.lineSeparator());
    }
    out.append(passed() ? "passed" : "FAILED: " + String.join("; ", problems())).append(System.lineSeparator());
    return out.toString();
  }

  @Override
  public JsonObject json() {
    SubscriberPlan subscribers = plan.subscribers();
    BenchPlan run = subscribers.bench();
    JsonObject errorsByCause = new JsonObject();
    tally.errorsByCause().forEach(errorsByCause::put);
    return new JsonObject()
        .put("bench", "idle")
        .put("target", subscribers.target().name())
        .put("via", subscribers.via().option())
        .put("url", run.server().toString())
        .put("serverPid", plan.server().pids().get(0))
        .put("serverPids", new JsonArray(plan.server().pids()))
        .put("connections", subscribers.subscribers())
        .put("subscribed", tally.subscribed())
        .put("channels", subscribers.channels())
        .put("settleSeconds", run.warmup().toSeconds())
        .put("holdSeconds", run.duration().toSeconds())
        .put("residentBytesBefore", residentBefore)
        .put("residentBytesOpen", residentOpen)
        .put("residentBytesEnd", residentEnd)
        .put("bytesPerConnection", bytesPerConnection())
        .put("proportionalBytesBefore", proportionalBefore.isPresent() ? proportionalBefore.getAsLong() : null)
        .put("proportionalBytesOpen", proportionalOpen.isPresent() ? proportionalOpen.getAsLong() : null)
        .put("proportionalBytesPerConnection", proportionalBytesPerConnectionOrNull())
        .put("endedWhileOpen", endedWhileOpen)
        .put("errors", tally.errors())
        .put("errorsByCause", errorsByCause)
        .put("passed", passed())
        .put("problems", problems());
  }

  private Double proportionalBytesPerConnectionOrNull() {
    OptionalDouble proportional = proportionalBytesPerConnection();
    return proportional.isPresent() ? proportional.getAsDouble() : null;
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}

package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The outcome of one run of a delivery bench: its plan, what the publishers had accepted and what
 * the subscribers counted.
 *
 * @param bench the bench's name: {@code fanout} or {@code channels}
 * @param drain how long after the last publish was answered the run waited for deliveries
 * @param drained whether every accepted message had reached every subscriber by then
 * @param serverCpu the server's CPU over the counted window, when the plan names the server
 */
record DeliveryReport(String bench, DeliveryPlan plan, PublishLedger ledger, GroupTally tally, Duration drain, boolean drained,
    Optional<ServerCpu> serverCpu) implements BenchReport {

  double publishedPerSecond() {
    return ledger.acceptedInWindow() / seconds(plan.subscribers().bench().duration());
  }

  double deliveriesPerSecond() {
    return tally.deliveriesInWindow() / seconds(plan.subscribers().bench().duration());
  }

  SortedMap<String, Long> errorsByCause() {
    return ErrorCounts.sum(List.of(ledger.errorsByCause(), tally.errorsByCause()));
  }

  long errors() {
    return ErrorCounts.total(errorsByCause());
  }

  /** What did not hold, one phrase each; empty for a clean run. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (tally.subscribed() < tally.subscribers()) {
      problems.add((tally.subscribers() - tally.subscribed()) + " subscriber(s) never subscribed");
    }
    if (ledger.acceptedInWindow() == 0) {
      problems.add("no publish was accepted in the window");
    }
    if (tally.lost() > 0) {
      problems.add(tally.lost() + " lost");
    }
    if (tally.duplicated() > 0) {
      problems.add(tally.duplicated() + " duplicated");
    }
    if (tally.reordered() > 0) {
      problems.add(tally.reordered() + " reordered");
    }
    if (errors() > 0) {
      problems.add(errors() + " error(s)");
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
    out.append(String.format(Locale.ROOT, "%s %s (%s): %d %s subscriber(s) on %d channel(s), %s tick(s)/s by %d publisher(s)"
            + " = %s msg/s, %d-byte messages, %d s counted after %d s of warm-up, %d event loop(s)%n",
        title(), run.server(), subscribers.target().name(), subscribers.subscribers(), subscribers.via().option(),
        subscribers.channels(), number(plan.rate()), plan.publishers(), number(plan.messagesPerSecond()), run.bodySize(),
        run.duration().toSeconds(), run.warmup().toSeconds(), run.eventLoops()));
    out.append(String.format(Locale.ROOT, "%11s %12s %13s %13s%s %8s %8s %9s %7s%n", "subscribed", "published/s", "deliveries/s",
        "expected/s", Latencies.headers(), "lost", "dup", "reordered", "errors"));
    out.append(String.format(Locale.ROOT, "%11d %12.1f %13.1f %13.1f%s %8d %8d %9d %7d%n", tally.subscribed(), publishedPerSecond(),
        deliveriesPerSecond(), plan.expectedDeliveriesPerSecond(), Latencies.cells(tally.latencyMicros()), tally.lost(),
        tally.duplicated(), tally.reordered(), errors()));
    out.append(String.format(Locale.ROOT, "latency: from when a message was due to be published to its receipt, %d deliveries;"
            + " %s in %.1f s after the last publish was answered%n",
        tally.latencyMicros().getTotalCount(), drained ? "every accepted message delivered" : "NOT every accepted message delivered",
        seconds(drain)));
    serverCpu.ifPresent(cpu -> out.append(String.format(Locale.ROOT,
        "server (pid %s): %.2f cores busy in the counted window, %.2f microseconds of CPU per delivery%n",
        plan.server().orElseThrow().describe(), cpu.cores(), cpu.microsPer(deliveriesPerSecond()))));
    if (errors() > 0) {
      out.append("errors (whole run): ").append(ErrorCounts.describe(errorsByCause())).append(System.lineSeparator());
    }
    out.append(passed() ? "passed" : "FAILED: " + String.join("; ", problems())).append(System.lineSeparator());
    return out.toString();
  }

  @Override
  public JsonObject json() {
    SubscriberPlan subscribers = plan.subscribers();
    BenchPlan run = subscribers.bench();
    JsonObject errorsByCause = new JsonObject();
    errorsByCause().forEach(errorsByCause::put);
    JsonObject json = new JsonObject()
        .put("bench", bench)
        .put("target", subscribers.target().name())
        .put("via", subscribers.via().option())
        .put("url", run.server().toString())
        .put("subscribers", subscribers.subscribers())
        .put("subscribed", tally.subscribed())
        .put("channels", subscribers.channels())
        .put("tickRate", plan.rate())
        .put("messagesPerSecondPlanned", plan.messagesPerSecond())
        .put("publishers", plan.publishers())
        .put("messageSize", run.bodySize())
        .put("warmupSeconds", run.warmup().toSeconds())
        .put("durationSeconds", run.duration().toSeconds())
        .put("eventLoops", run.eventLoops())
        .put("published", ledger.acceptedInWindow())
        .put("publishedPerSecond", publishedPerSecond())
        .put("deliveries", tally.deliveriesInWindow())
        .put("deliveriesPerSecond", deliveriesPerSecond())
        .put("expectedDeliveriesPerSecond", plan.expectedDeliveriesPerSecond())
        .put("latencyMicros", Latencies.json(tally.latencyMicros()).put("count", tally.latencyMicros().getTotalCount()))
        .put("lost", tally.lost())
        .put("duplicated", tally.duplicated())
        .put("reordered", tally.reordered())
        .put("drained", drained)
        .put("drainSeconds", seconds(drain))
        .put("errors", errors())
        .put("errorsByCause", errorsByCause)
        .put("passed", passed())
        .put("problems", problems());
    serverCpu.ifPresent(cpu -> json.put("serverCpu", new JsonObject()
        .put("pids", plan.server().orElseThrow().describe())
        .put("cores", cpu.cores())
        .put("microsPerDelivery", cpu.microsPer(deliveriesPerSecond()))));
    return json;
  }

  private String title() {
    return bench.equals("fanout") ? "FanoutBench" : "ChannelsBench";
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}

package io.switchboard.bench;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard-bench idle}: what an idle connection costs the server. It reads the server's
 * resident memory, opens N subscribers that receive nothing, waits {@code --warmup} seconds for the
 * server to settle, reads it again, holds them {@code --duration} seconds more, reads it a third
 * time and closes them all; it reports the growth per connection.
 */
@Command(
    name = "idle",
    description = {
      "Measures the server's memory per idle connection: opens N subscribers (sse, ws or long-poll) on channels that"
          + " nobody publishes to, reads the server's VmRSS before, after --warmup seconds of settling and after"
          + " --duration seconds of holding, then closes them.",
      "The server is --server-pid, or the process that ss -ltnp shows listening on the --url port.",
      "Only loopback targets; the run stops by itself."
    })
final class IdleBench extends Bench<IdlePlan> {
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Option(names = "--connections", paramLabel = "N", defaultValue = "1000",
      description = "Idle connections, each one subscriber (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--channels", paramLabel = "K", defaultValue = "1",
      description = "Channels bench0 … benchK-1 the connections are spread over (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--via", paramLabel = "TRANSPORT", defaultValue = "sse",
      description = "How each connection subscribes: sse, ws or long-poll (default ${DEFAULT-VALUE}).")
  String via;


  @Option(names = "--server-pid", paramLabel = "PID", split = ",",
      description = "The server's process id, or several, comma-separated (nginx's master and workers), whose memory is"
          + " summed (default: every process listening on the --url port, as ss -ltnp shows them).")
  List<Long> serverPids = new ArrayList<>();

  @Option(names = "--connects", paramLabel = "N", defaultValue = "256",
      description = "Connections opening at a time (default ${DEFAULT-VALUE}).")
  int connects;

  @Override
  IdlePlan plan(BenchPlan bench) {
    SubscriberPlan subscribers = new SubscriberPlan(bench, bench.target(), Via.named(via), connections, channels, connects);
    FileDescriptors.requireRoomFor("--connections", connections);
    ServerProcess server = ServerProcess.find(serverPids, bench.port());
    return new IdlePlan(subscribers, server);
  }

  /** Subscriber benches print their own line, with subscriptions and deliveries ({@link SubscriberProgressLine}). */
  @Override
  ProgressLine progressLine(PrintWriter err, BenchPlan bench) {
    return ProgressLine.quiet(err, bench);
  }

  @Override
  BenchReport run(Vertx vertx, IdlePlan plan, ProgressLine shared) throws TimeoutException {
    SubscriberPlan subscribers = plan.subscribers();
    LiveCounts live = new LiveCounts();
    AtomicReference<String> phase = new AtomicReference<>("opening");
    try (SubscriberProgressLine progress = new SubscriberProgressLine("idle", live, subscribers.subscribers(), phase::get,
        spec.commandLine().getErr())) {
      long before = plan.server().residentBytes();
      OptionalLong proportionalBefore = plan.server().proportionalBytes();
      List<SubscriberGroup> groups = DeliveryBench.deployGroups(vertx, subscribers, live);
      awaitAll(groups.stream().map(SubscriberGroup::opened).toList(), DeliveryBench.openLimit(subscribers),
          "connections being opened");
      phase.set("settling");
      DeliveryBench.sleep(subscribers.bench().warmup().toMillis());
      long open = plan.server().residentBytes();
      OptionalLong proportionalOpen = plan.server().proportionalBytes();
      phase.set("holding");
      DeliveryBench.sleep(subscribers.bench().duration().toMillis());
      long end = plan.server().residentBytes();
      long ended = live.closed.sum();
      phase.set("closing");
      GroupTally tally = GroupTally.sum(awaitAll(groups.stream().map(group -> group.finish(null)).toList(), GRACE,
          "connections closing"));
      return new IdleReport(plan, tally, before, open, end, proportionalBefore, proportionalOpen, ended);
    }
  }
}

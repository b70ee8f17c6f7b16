package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Option;

/**
 * A bench of deliveries to subscribers: {@code fanout} (many subscribers on one channel) and
 * {@code channels} (a channel each). The run, in phases:
 * <ol>
 *   <li>emptying: the channels are emptied first when the target's subscriptions would start with
 *       what they already hold ({@link EmptyChannels}; Nchan);
 *   <li>subscribing: every subscriber connects and is confirmed subscribed ({@link SubscriberGroup}),
 *       at most {@code --connects} at a time; nothing is published before all have been tried;
 *   <li>publishing: open-loop {@link PacedPublisher}s publish at the plan's rate over the warm-up
 *       and the counted window;
 *   <li>draining: once every publish has been answered, until every subscriber has received every
 *       accepted message, or {@code --drain} has passed;
 *   <li>closing: each group checks its subscribers against what was accepted (lost, duplicated,
 *       reordered), sums up and closes them.
 * </ol>
 */
abstract class DeliveryBench extends Bench<DeliveryPlan> {
  /** How long after the deadline the publishers may take to have their last answers. */
  private static final Duration GRACE = Duration.ofSeconds(30);
  /** How often the drain looks whether everything has arrived. */
  private static final long DRAIN_POLL_MILLIS = 100;

  @Option(names = "--via", paramLabel = "TRANSPORT", defaultValue = "sse",
      description = "How subscribers subscribe: sse, ws or long-poll (default ${DEFAULT-VALUE}).")
  String via;


  @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "5",
      description = "Seconds after the last publish was answered that deliveries may still arrive before the missing ones"
          + " count as lost (default ${DEFAULT-VALUE}).")
  long drainSeconds;

  @Option(names = "--connects", paramLabel = "N", defaultValue = "256",
      description = "Subscribers opening at a time (default ${DEFAULT-VALUE}).")
  int connects;

  @Option(names = "--server-pid", paramLabel = "PID", split = ",",
      description = "The server's process id, or several, comma-separated (nginx's master and workers): the report then"
          + " gives the server's CPU over the counted window and per delivery (default: not measured).")
  List<Long> serverPids = new ArrayList<>();

  /** {@code fanout} or {@code channels}, for the report. */
  abstract String benchName();

  /** Subscriber benches print their own line, with subscriptions and deliveries ({@link SubscriberProgressLine}). */
  @Override
  ProgressLine progressLine(PrintWriter err, BenchPlan bench) {
    return ProgressLine.quiet(err, bench);
  }

  @Override
  BenchReport run(Vertx vertx, DeliveryPlan plan, ProgressLine shared) throws TimeoutException {
    SubscriberPlan subscribers = plan.subscribers();
    LiveCounts live = new LiveCounts();
    AtomicReference<String> phase = new AtomicReference<>("subscribing");
    try (SubscriberProgressLine progress = new SubscriberProgressLine(benchName(), live, subscribers.subscribers(), phase::get,
        spec.commandLine().getErr())) {
      emptyChannels(vertx, subscribers);
      List<SubscriberGroup> groups = deployGroups(vertx, subscribers, live);
      awaitAll(groups.stream().map(SubscriberGroup::opened).toList(), openLimit(subscribers), "subscribers being opened");

      phase.set("publishing");
      List<PacedPublisher> publishers = new ArrayList<>();
      List<Future<?>> deployed = new ArrayList<>();
      for (int index = 0; index < plan.publishers(); index++) {
        PacedPublisher publisher = new PacedPublisher(plan, index, live);
        publishers.add(publisher);
        deployed.add(vertx.deployVerticle(publisher));
      }
      awaitAll(deployed.stream().map(future -> future.map(id -> (Object) id)).toList(), GRACE, "publishers connecting");
      long start = System.nanoTime();
      MeasurementWindow window = MeasurementWindow.startingAt(start, subscribers.bench().warmup(), subscribers.bench().duration());
      awaitAll(groups.stream().map(group -> group.countFrom(window)).toList(), GRACE, "subscriber groups");
      Optional<CompletableFuture<ServerCpu>> serverCpu = plan.server().map(server -> ServerCpu.over(server, window));
      publishers.forEach(publisher -> publisher.begin(start));
      Duration run = subscribers.bench().warmup().plus(subscribers.bench().duration());
      PublishLedger ledger = PublishLedger.merge(awaitAll(publishers.stream().map(PacedPublisher::finished).toList(),
          run.plus(GRACE), "publishers"));

      phase.set("draining");
      long drainStart = System.nanoTime();
      long drainEnd = drainStart + plan.drain().toNanos();
      boolean drained = missing(groups, ledger) == 0;
      while (!drained && System.nanoTime() - drainEnd < 0) {
        sleep(DRAIN_POLL_MILLIS);
        drained = missing(groups, ledger) == 0;
      }
      Duration drain = Duration.ofNanos(System.nanoTime() - drainStart);

      phase.set("closing");
      GroupTally tally = GroupTally.sum(awaitAll(groups.stream().map(group -> group.finish(ledger)).toList(), GRACE,
          "subscribers closing"));
      return new DeliveryReport(benchName(), plan, ledger, tally, drain, drained, serverCpu.map(CompletableFuture::join));
    }
  }

  /** @throws IllegalStateException when a channel could not be emptied: the run would count its old messages */
  private static void emptyChannels(Vertx vertx, SubscriberPlan subscribers) throws TimeoutException {
    try {
      awaitAll(List.of(EmptyChannels.clear(vertx, subscribers)), GRACE, "channels being emptied");
    } catch (RuntimeException refused) {
      throw new IllegalStateException("emptying the channels before subscribing failed: " + refused.getMessage(), refused);
    }
  }

  /** Accepted messages the subscribers have not received yet, summed over all of them. */
  private static long missing(List<SubscriberGroup> groups, PublishLedger ledger) throws TimeoutException {
    return awaitAll(groups.stream().map(group -> group.missing(ledger)).toList(), GRACE, "subscriber groups")
        .stream().mapToLong(Long::longValue).sum();
  }

  /** The server whose CPU the run measures: the processes of {@code --server-pid}, if given. */
  final Optional<ServerProcess> server(BenchPlan bench) {
    return serverPids.isEmpty() ? Optional.empty() : Optional.of(ServerProcess.find(serverPids, bench.port()));
  }

  /** The subscriber side of this bench's plan, with the options every delivery bench shares. */
  final SubscriberPlan subscriberPlan(BenchPlan bench, int subscribers, int channels) {
    FileDescriptors.requireRoomFor("--subscribers", subscribers);
    return new SubscriberPlan(bench, bench.target(), Via.named(via), subscribers, channels, connects);
  }

  final Duration drain() {
    return Duration.ofSeconds(drainSeconds);
  }

  /** One group per event loop; subscriber i goes to group i mod groups. */
  static List<SubscriberGroup> deployGroups(Vertx vertx, SubscriberPlan plan, LiveCounts live) {
    int count = Math.min(plan.bench().eventLoops(), plan.subscribers());
    List<SubscriberGroup> groups = new ArrayList<>();
    for (int group = 0; group < count; group++) {
      List<Integer> indices = new ArrayList<>();
      for (int index = group; index < plan.subscribers(); index += count) {
        indices.add(index);
      }
      SubscriberGroup subscribers = new SubscriberGroup(plan, indices, Math.max(1, plan.connectsInFlight() / count), live);
      groups.add(subscribers);
      vertx.deployVerticle(subscribers);
    }
    return groups;
  }

  /** Every subscriber may take the open timeout, {@code --connects} at a time, plus a little per connection. */
  static Duration openLimit(SubscriberPlan plan) {
    return Duration.ofSeconds(60).plusMillis(plan.subscribers() * 10L);
  }

  static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", interrupted);
    }
  }
}

package io.switchboard.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard-bench fanout}: S subscribers on one channel over one transport, one open-loop
 * publisher at R messages per second; prints deliveries per second, the latency from when each
 * message was due to its receipt, and lost, duplicated and reordered deliveries (all must be 0).
 */
@Command(
    name = "fanout",
    description = {
      "Load-tests fan-out: S subscribers on channel bench0 (over sse, ws or long-poll), then one publisher on its own"
          + " keep-alive connection publishing R messages per second, paced by a timer (open loop), for --warmup plus --duration.",
      "Reports deliveries/s, publish-to-receipt latency, and lost, duplicated and reordered messages.",
      "Only loopback targets; the run stops by itself."
    })
final class FanoutBench extends DeliveryBench {
  @Option(names = "--subscribers", paramLabel = "S", defaultValue = "100",
      description = "Subscribers on the channel, one connection each (default ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "100",
      description = "Messages published per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Override
  String benchName() {
    return "fanout";
  }

  @Override
  DeliveryPlan plan(BenchPlan bench) {
    return new DeliveryPlan(subscriberPlan(bench, subscribers, /* channels= */ 1), rate, /* publishers= */ 1, drain(), server(bench));
  }
}

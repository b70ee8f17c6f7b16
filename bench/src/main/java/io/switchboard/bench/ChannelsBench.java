package io.switchboard.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard-bench channels}: S subscribers, each on a channel of its own, and at each of T
 * ticks per second one message published to every channel; the same figures as {@code fanout}.
 */
@Command(
    name = "channels",
    description = {
      "Load-tests many channels: S subscribers, each on its own channel bench0 … benchS-1 (over sse, ws or long-poll),"
          + " and, T times per second (open loop), one message published to every channel.",
      "Reports deliveries/s, publish-to-receipt latency, and lost, duplicated and reordered messages.",
      "Only loopback targets; the run stops by itself."
    })
final class ChannelsBench extends DeliveryBench {
  @Option(names = "--subscribers", paramLabel = "S", defaultValue = "100",
      description = "Channels, with one subscriber (one connection) each (default ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(names = "--tick-rate", paramLabel = "T", defaultValue = "1",
      description = "Ticks per second; each publishes one message to every channel (default ${DEFAULT-VALUE}).")
  double tickRate;

  @Option(names = "--publishers", paramLabel = "P", defaultValue = "1",
      description = "Publishers, one pipelined connection each; channel c is published by publisher c mod P"
          + " (default ${DEFAULT-VALUE}).")
  int publishers;

  @Override
  String benchName() {
    return "channels";
  }

  @Override
  DeliveryPlan plan(BenchPlan bench) {
    return new DeliveryPlan(subscriberPlan(bench, subscribers, /* channels= */ subscribers), tickRate, publishers, drain(),
        server(bench));
  }
}

package io.switchboard.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * What one run of a delivery bench ({@code fanout}, {@code channels}) does, checked when it is made:
 * its subscribers, and one message per channel published at each tick of {@code rate} ticks per
 * second over the warm-up and the duration.
 *
 * @param subscribers the subscriber side
 * @param rate ticks per second; each tick publishes one message to every channel
 * @param publishers open-loop publishers, each with one connection; channel c is published by publisher c mod P
 * @param drain how long after the last publish was answered deliveries may still arrive before what is missing counts as lost
 * @param server the server whose CPU over the counted window is measured, if any
 */
record DeliveryPlan(SubscriberPlan subscribers, double rate, int publishers, Duration drain, Optional<ServerProcess> server) {
  static final double MAX_RATE = 1_000_000;
  static final Duration MAX_DRAIN = Duration.ofMinutes(5);
  /** Bits the subscribers' sequence checks may hold in all (subscribers × ticks): 256 MiB. */
  static final long MAX_CHECK_BITS = 8L * 256 * 1024 * 1024;

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  DeliveryPlan {
    if (!(rate > 0 && rate <= MAX_RATE)) {
      throw new IllegalArgumentException("rate " + rate + " is outside (0, " + (long) MAX_RATE + "] per second");
    }
    BenchPlan.requireWithin("--publishers", publishers, 1, subscribers.channels());
    if (drain.isNegative() || drain.compareTo(MAX_DRAIN) > 0) {
      throw new IllegalArgumentException("--drain " + drain.toSeconds() + " s is outside 0.." + MAX_DRAIN.toSeconds() + " s");
    }
    if (subscribers.bench().bodySize() < MessageData.MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException("--size " + subscribers.bench().bodySize() + " is less than " + MessageData.MAX_HEADER_LENGTH
          + ": each message's data carries its sequence number and the time it was due");
    }
    Duration run = subscribers.bench().warmup().plus(subscribers.bench().duration());
    double ticks = Math.ceil(run.toNanos() / 1e9 * rate);
    if (ticks * subscribers.subscribers() > MAX_CHECK_BITS || ticks >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException((long) ticks + " ticks × " + subscribers.subscribers() + " subscribers is more than the "
          + MAX_CHECK_BITS + " messages the generator keeps track of; lower the rate, the time or the subscribers");
    }
  }

  /** When tick {@code k} is due, in nanoseconds after the start. */
  long tickOffsetNanos(int k) {
    return Math.round(k * 1e9 / rate);
  }

  /** Ticks in the whole run: the first tick due at or after the end of the window. */
  int ticks() {
    return firstTickAtOrAfter(subscribers.bench().warmup().plus(subscribers.bench().duration()).toNanos());
  }

  /** The first tick due inside the window. */
  int windowFrom() {
    return firstTickAtOrAfter(subscribers.bench().warmup().toNanos());
  }

  /** Messages the publishers are to publish per second, over every channel. */
  double messagesPerSecond() {
    return rate * subscribers.channels();
  }

  /** Deliveries per second a server that keeps up makes: each message to each subscriber of its channel. */
  double expectedDeliveriesPerSecond() {
    return rate * subscribers.subscribers();
  }

  private int firstTickAtOrAfter(long nanos) {
    int k = (int) Math.ceil(nanos / 1e9 * rate);
    while (k > 0 && tickOffsetNanos(k - 1) >= nanos) {
      k--;
    }
    while (tickOffsetNanos(k) < nanos) {
      k++;
    }
    return k;
  }
}

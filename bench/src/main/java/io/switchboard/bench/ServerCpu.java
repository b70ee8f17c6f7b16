package io.switchboard.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The server's CPU time over the counted window of a run, read from {@code /proc} at the window's
 * start and end ({@link ServerProcess#cpuSeconds}). Divided by what the server did in the window it
 * gives its CPU cost per delivery, which, unlike the rate, does not depend on how fast the generator
 * is: a generator that saturates its core caps both servers' rates alike, but not their cost.
 *
 * @param cpuSeconds the server's CPU time between the two readings, all its processes and threads summed
 * @param wallSeconds the time between the two readings
 */
record ServerCpu(double cpuSeconds, double wallSeconds) {
  /** The cores the server kept busy, on average. */
  double cores() {
    return cpuSeconds / wallSeconds;
  }

  /** Server CPU microseconds per event, for a server doing {@code eventsPerSecond} over the window. */
  double microsPer(double eventsPerSecond) {
    return eventsPerSecond > 0 ? cores() / eventsPerSecond * 1e6 : Double.NaN;
  }

  /**
   * Reads {@code server}'s CPU time when {@code window} starts and when it ends, on a thread of its own
   * (not an event loop of the generator's, which may be busy at that moment).
   */
  static CompletableFuture<ServerCpu> over(ServerProcess server, MeasurementWindow window) {
    CompletableFuture<Reading> start = CompletableFuture.supplyAsync(() -> Reading.of(server), at(window.countFrom()));
    CompletableFuture<Reading> end = CompletableFuture.supplyAsync(() -> Reading.of(server), at(window.deadline()));
    return start.thenCombine(end, (from, to) -> new ServerCpu(to.cpuSeconds - from.cpuSeconds, (to.nanos - from.nanos) / 1e9));
  }

  private static Executor at(long nanoTime) {
    return CompletableFuture.delayedExecutor(Math.max(0, nanoTime - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private record Reading(double cpuSeconds, long nanos) {
    static Reading of(ServerProcess server) {
      return new Reading(server.cpuSeconds(), System.nanoTime());
    }
  }
}

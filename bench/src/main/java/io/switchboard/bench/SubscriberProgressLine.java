package io.switchboard.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A line on standard error each second while a subscriber bench runs: the phase, the time since the
 * start, subscribers subscribed and ended, and publishes, deliveries and errors so far with their
 * rates over the last second. Printed from its own daemon thread, so the generator's event loops
 * never wait for the terminal.
 */
final class SubscriberProgressLine implements AutoCloseable {
  private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(run -> {
    Thread thread = new Thread(run, "bench-progress");
    thread.setDaemon(true);
    return thread;
  });
  private final long start = System.nanoTime();
  private long lastPublished;
  private long lastDelivered;

  SubscriberProgressLine(String bench, LiveCounts live, long subscribers, Supplier<String> phase, PrintWriter err) {
    printer.scheduleAtFixedRate(() -> {
      long published = live.published.sum();
      long delivered = live.delivered.sum();
      err.println(String.format(Locale.ROOT, "%s %5.0f s %-10s subscribed %d/%d, ended %d, published %d (%d/s), delivered %d (%d/s), errors %d",
          bench, (System.nanoTime() - start) / 1e9, phase.get(), live.subscribed.sum(), subscribers, live.closed.sum(),
          published, published - lastPublished, delivered, delivered - lastDelivered, live.errors.sum()));
      err.flush();
      lastPublished = published;
      lastDelivered = delivered;
    }, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    printer.shutdownNow();
  }
}

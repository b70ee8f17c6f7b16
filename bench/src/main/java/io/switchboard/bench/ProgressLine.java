package io.switchboard.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The line a bench prints about once a second while it runs, so that a long run shows it is alive
 * and a run that goes wrong (no answers, a wrong {@code --target}) shows it at once:
 * {@code counting 4/10 s   26,942 req/s   107,768 in all}. On a terminal each line overwrites the
 * last ({@code \r}) and is wiped when the run ends; otherwise (a log, a pipe) each is a line of its
 * own. It goes to standard error, so standard output holds the report alone.
 *
 * <p>Threads: clients on any event loop {@link #count()} what they finished (a {@link LongAdder},
 * so they do not contend); one daemon thread of its own prints, so the event loops never write to
 * the terminal. {@link #close()} stops it before the report is printed.
 */
final class ProgressLine implements AutoCloseable {
  private static final long PERIOD_MILLIS = 1_000;

  private final LongAdder done = new LongAdder();
  private final PrintWriter err;
  private final boolean overwrite;
  private final String unit;
  private final BenchPlan plan;
  private final long startedAt = System.nanoTime();
  private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "bench-progress");
    thread.setDaemon(true);
    return thread;
  });
  private long doneBefore;
  private long before = startedAt;
  private int width;

  /**
   * Starts printing to {@code err} when {@code printing}; {@code unit} names what {@link #count()}
   * counts per second ({@code req/s}, {@code jobs/s}); {@code overwrite} is for a terminal.
   */
  private ProgressLine(PrintWriter err, boolean overwrite, String unit, BenchPlan plan, boolean printing) {
    this.err = err;
    this.overwrite = overwrite;
    this.unit = unit;
    this.plan = plan;
    if (printing) {
      printer.scheduleAtFixedRate(this::print, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** A line printed each second, overwritten in place on a terminal; {@code unit} names what {@link #count()} counts per second. */
  static ProgressLine printing(PrintWriter err, String unit, BenchPlan plan) {
    return new ProgressLine(err, onTerminal(), unit, plan, /* printing= */ true);
  }

  /** A line that counts but prints nothing, for a bench that prints a progress line of its own. */
  static ProgressLine quiet(PrintWriter err, BenchPlan plan) {
    return new ProgressLine(err, /* overwrite= */ false, "", plan, /* printing= */ false);
  }

  /** Whether standard error most likely is a terminal: the JVM has a console. */
  static boolean onTerminal() {
    return System.console() != null;
  }

  /** One more request (or job) finished; from any thread. */
  void count() {
    done.increment();
  }

  /** Stops printing and, on a terminal, wipes the line. */
  @Override
  public void close() {
    printer.shutdownNow();
    try {
      printer.awaitTermination(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    if (overwrite && width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
    }
  }

  private void print() {
    long now = System.nanoTime();
    long total = done.sum();
    double rate = (total - doneBefore) / ((now - before) / 1e9);
    doneBefore = total;
    before = now;
    String line = String.format(Locale.ROOT, "%-20s %12s %s %14s in all", phase(now - startedAt),
        String.format(Locale.ROOT, "%,.0f", rate), unit, String.format(Locale.ROOT, "%,d", total));
    if (overwrite) {
      err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
      width = Math.max(width, line.length());
    } else {
      err.println(line);
    }
    err.flush();
  }

  private String phase(long elapsedNanos) {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(elapsedNanos);
    long warmup = plan.warmup().toSeconds();
    long duration = plan.duration().toSeconds();
    if (seconds < warmup) {
      return "warm-up " + seconds + "/" + warmup + " s";
    }
    if (seconds - warmup < duration) {
      return "counting " + (seconds - warmup) + "/" + duration + " s";
    }
    return "finishing";
  }
}

package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A bench command: the options every bench has, and the run around the bench's own part. It checks
 * the options into a plan (a bad one is exit status {@value BenchCommand#USAGE}), starts the
 * generator's Vert.x with {@code --event-loops} threads, runs the bench with a {@link ProgressLine}
 * on standard error, prints its report, writes
 * it as JSON with {@code --json}, and closes Vert.x whatever happened.
 *
 * @param <P> the bench's plan: a {@link BenchPlan} and the bench's own options
 */
abstract class Bench<P> implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "The server, http://HOST:PORT on a loopback address (default ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--target", paramLabel = "SERVER", defaultValue = SwitchboardTarget.NAME,
      description = "Whose URL conventions to use: " + SwitchboardTarget.NAME + " or " + NchanTarget.NAME
          + " (bench/peers/nchan; default ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
      description = "Bytes of each body (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
      description = "Seconds of load before counting starts (default ${DEFAULT-VALUE}).")
  long warmupSeconds;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
      description = "Seconds that are counted (default ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1",
      description = "Event-loop threads of the generator (default ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
  Path json;

  /**
   * Adds this bench's own options to the shared plan.
   *
   * @throws IllegalArgumentException naming the option that breaks a rule, and the rule
   */
  abstract P plan(BenchPlan bench);

  /**
   * The progress line the bench's clients count on: {@link ProgressLine#printing} with what they
   * count per second ({@code req/s}, {@code jobs/s}), or {@link ProgressLine#quiet} for a bench
   * that prints a line of its own.
   */
  abstract ProgressLine progressLine(PrintWriter err, BenchPlan bench);

  /**
   * Runs the bench on {@code vertx}, from the main thread, until it has stopped by itself; its
   * clients {@link ProgressLine#count() count} on {@code progress} what they finish.
   *
   * @throws TimeoutException when clients were still busy long after the deadline
   * @throws IllegalStateException when the run cannot go on, saying why (a channel that could not be emptied)
   */
  abstract BenchReport run(Vertx vertx, P plan, ProgressLine progress) throws TimeoutException;

  @Override
  public final Integer call() throws IOException {
    P plan;
    BenchPlan bench;
    try {
      bench = new BenchPlan(url, Target.named(target), size, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), eventLoops);
      plan = plan(bench);
    } catch (IllegalArgumentException invalid) {
      spec.commandLine().getErr().println("switchboard-bench: " + invalid.getMessage());
      return BenchCommand.USAGE;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(bench.eventLoops()));
    try {
      BenchReport report;
      try (ProgressLine progress = progressLine(spec.commandLine().getErr(), bench)) {
        report = run(vertx, plan, progress);
      }
      spec.commandLine().getOut().print(report.table());
      spec.commandLine().getOut().flush();
      if (json != null) {
        Files.writeString(json, report.json().encodePrettily() + System.lineSeparator());
      }
      return report.passed() ? BenchCommand.OK : BenchCommand.FAILED;
    } catch (TimeoutException stuck) {
      spec.commandLine().getErr().println("switchboard-bench: " + stuck.getMessage());
      return BenchCommand.FAILED;
    } catch (IllegalStateException cannotRun) {
      spec.commandLine().getErr().println("switchboard-bench: " + cannotRun.getMessage());
      return BenchCommand.FAILED;
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Waits, on the main thread, for every client to finish and returns what they counted.
   *
   * @throws TimeoutException saying that {@code who} were still busy when {@code limit} passed
   */
  static <T> List<T> awaitAll(List<Future<T>> finished, Duration limit, String who) throws TimeoutException {
    try {
      Future.all(finished).await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stuck) {
      throw new TimeoutException(who + " were still busy after " + limit.toSeconds() + " s");
    }
    return finished.stream().map(Future::result).toList();
  }
}

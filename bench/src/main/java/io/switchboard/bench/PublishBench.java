package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code switchboard-bench}: publishes as fast as N closed-loop publishers can to a server on this
 * machine for a bounded time, then prints requests per second, latency percentiles and errors, and
 * writes the same as JSON with {@code --json}.
 *
 * <p>Exit status: 0 when the run completed without an error, 1 when a request failed (the report
 * is printed and written all the same) or publishers were still busy long after the deadline, 2
 * for a bad option.
 */
@Command(
    name = "switchboard-bench",
    description = {
      "Load-tests publishing: N publishers, each with one keep-alive connection and one",
      "POST /v1/channels/{channel}/messages in flight, as fast as the server answers.",
      "Only loopback targets; the run stops by itself after --warmup plus --duration."
    })
public final class PublishBench implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  /** How long after the deadline the publishers may take to finish their last requests. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "The server, http://HOST:PORT on a loopback address (default ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--publishers", paramLabel = "N", defaultValue = "1",
      description = "Concurrent publishers, one connection and one request in flight each (default ${DEFAULT-VALUE}).")
  int publishers;

  @Option(names = "--channels", paramLabel = "K", defaultValue = "1",
      description = "Channels bench.0 … bench.K-1 the publishers are spread over (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
      description = "Bytes of each message (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
      description = "Seconds of publishing before counting starts (default ${DEFAULT-VALUE}).")
  long warmupSeconds;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
      description = "Seconds that are counted (default ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1",
      description = "Event-loop threads of the generator (default ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
  Path json;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new PublishBench());
    commandLine.setParameterExceptionHandler((invalid, args) -> {
      invalid.getCommandLine().getErr().println("switchboard-bench: " + invalid.getMessage());
      return USAGE;
    });
    return commandLine;
  }

  @Override
  public Integer call() throws IOException {
    BenchPlan plan;
    try {
      plan = new BenchPlan(url, publishers, channels, size, Duration.ofSeconds(warmupSeconds),
          Duration.ofSeconds(durationSeconds), eventLoops);
    } catch (IllegalArgumentException invalid) {
      spec.commandLine().getErr().println("switchboard-bench: " + invalid.getMessage());
      return USAGE;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(plan.eventLoops()));
    try {
      BenchReport report = new BenchReport(plan, run(vertx, plan));
      spec.commandLine().getOut().print(report.table());
      spec.commandLine().getOut().flush();
      if (json != null) {
        Files.writeString(json, report.json().encodePrettily() + System.lineSeparator());
      }
      return report.tally().errors() == 0 ? OK : FAILED;
    } catch (TimeoutException stuck) {
      spec.commandLine().getErr().println("switchboard-bench: " + stuck.getMessage());
      return FAILED;
    } finally {
      vertx.close().await();
    }
  }

  private static Tally run(Vertx vertx, BenchPlan plan) throws TimeoutException {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    String body = "x".repeat(plan.messageSize());
    MeasurementWindow window = MeasurementWindow.startingAt(System.nanoTime(), plan.warmup(), plan.duration());
    List<Future<Tally>> finished = new ArrayList<>();
    for (int index = 0; index < plan.publishers(); index++) {
      // A buffer each: publishers run on different event loops, and buffers are not for sharing.
      Publisher publisher = new Publisher(client, plan, index, Buffer.buffer(body), window);
      finished.add(publisher.finished());
      vertx.deployVerticle(publisher);
    }
    Duration limit = plan.warmup().plus(plan.duration()).plus(GRACE);
    try {
      Future.all(finished).await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stuck) {
      throw new TimeoutException("publishers were still busy " + GRACE.toSeconds() + " s after the deadline");
    }
    return Tally.sum(finished.stream().map(Future::result).toList());
  }
}

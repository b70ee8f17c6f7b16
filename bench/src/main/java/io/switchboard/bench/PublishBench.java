package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard-bench publish}: publishes as fast as N closed-loop publishers can to a server
 * on this machine for a bounded time, then prints requests per second, latency percentiles and
 * errors, and writes the same as JSON with {@code --json}.
 */
@Command(
    name = "publish",
    description = {
      "Load-tests publishing: N publishers, each with one keep-alive connection and one"
          + " POST /v1/channels/{channel}/messages (Nchan: POST /pub/{channel}) in flight, as fast as the server answers.",
      "Only loopback targets; the run stops by itself after --warmup plus --duration."
    })
final class PublishBench extends Bench<PublishPlan> {
  /** How long after the deadline the publishers may take to finish their last requests. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Option(names = "--publishers", paramLabel = "N", defaultValue = "1",
      description = "Concurrent publishers, one connection and one request in flight each (default ${DEFAULT-VALUE}).")
  int publishers;

  @Option(names = "--channels", paramLabel = "K", defaultValue = "1",
      description = "Channels bench0 … bench(K-1) the publishers are spread over (default ${DEFAULT-VALUE}).")
  int channels;

  @Override
  PublishPlan plan(BenchPlan bench) {
    return new PublishPlan(bench, publishers, channels);
  }

  @Override
  ProgressLine progressLine(PrintWriter err, BenchPlan bench) {
    return ProgressLine.printing(err, "req/s", bench);
  }

  @Override
  BenchReport run(Vertx vertx, PublishPlan plan, ProgressLine progress) throws TimeoutException {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    BenchPlan bench = plan.bench();
    String body = "x".repeat(bench.bodySize());
    MeasurementWindow window = bench.windowFromNow();
    List<Future<PublisherTally>> finished = new ArrayList<>();
    for (int index = 0; index < plan.publishers(); index++) {
      // A buffer each: publishers run on different event loops, and buffers are not for sharing.
      Publisher publisher = new Publisher(client, plan, index, Buffer.buffer(body), window, progress);
      finished.add(publisher.finished());
      vertx.deployVerticle(publisher);
    }
    Duration limit = bench.warmup().plus(bench.duration()).plus(GRACE);
    return new PublishReport(plan, PublisherTally.sum(awaitAll(finished, limit, "publishers")));
  }
}

package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard-bench jobs}: jobs end to end through a server on this machine, for a bounded
 * time. S closed-loop {@link Submitter}s submit jobs and W closed-loop {@link Worker}s claim and
 * complete them; it prints jobs completed per second, the latency from submit to completion and of
 * the requests on the way, and errors by cause, and checks that every accepted job was completed
 * exactly once ({@link JobsReport#verified()}).
 *
 * <p>The run: warm-up and the counted window as in {@code publish}; at the deadline the submitters
 * stop and the queues' counts are read (the backlog); once every submitter has had its last answer
 * the workers drain the queues, each stopping when a claim finds its queue empty or at the drain
 * limit ({@link JobsPlan#drainLimit()}); then the counts are read again and checked against what
 * the clients saw.
 */
@Command(
    name = "jobs",
    description = {
      "Load-tests the job queue: S submitters, each with one keep-alive connection and one"
          + " POST /v1/queues/{queue}/jobs in flight, and W workers, each claiming a job (waiting up to 1 s"
          + " for one) and completing it, as fast as the server answers.",
      "After the deadline the submitters stop, the workers drain the queues, and it checks that every"
          + " accepted job was completed exactly once.",
      "Only loopback targets; the run stops by itself."
    })
final class JobsBench extends Bench<JobsPlan> {
  static final String LEASE_HEADER = "Switchboard-Lease";
  /** How long after the deadline the submitters may take to finish their last submits. */
  private static final Duration GRACE = Duration.ofSeconds(30);
  /** How long reading the queues' counts may take. */
  private static final Duration COUNTS_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--submitters", paramLabel = "S", defaultValue = "1",
      description = "Concurrent submitters, one connection and one submit in flight each (default ${DEFAULT-VALUE}).")
  int submitters;

  @Option(names = "--workers", paramLabel = "W", defaultValue = "1",
      description = "Concurrent workers, one connection and one claim or completion in flight each (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--queues", paramLabel = "Q", defaultValue = "1",
      description = "Queues bench.RUN.0 … bench.RUN.Q-1; submitter and worker i use queue i mod Q; at most S and W"
          + " (default ${DEFAULT-VALUE}).")
  int queues;

  @Override
  JobsPlan plan(BenchPlan bench) {
    return new JobsPlan(bench, submitters, workers, queues, JobsPlan.newRun());
  }

  @Override
  ProgressLine progressLine(PrintWriter err, BenchPlan bench) {
    return ProgressLine.printing(err, "jobs/s", bench);
  }

  @Override
  BenchReport run(Vertx vertx, JobsPlan plan, ProgressLine progress) throws TimeoutException {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    BenchPlan bench = plan.bench();
    MeasurementWindow window = bench.windowFromNow();
    AtomicBoolean submittersDone = new AtomicBoolean();
    List<Future<SubmitterTally>> submitting = new ArrayList<>();
    List<Future<WorkerTally>> working = new ArrayList<>();
    for (int index = 0; index < plan.workers(); index++) {
      Worker worker = new Worker(client, plan, index, window, submittersDone::get, progress);
      working.add(worker.finished());
      vertx.deployVerticle(worker);
    }
    for (int index = 0; index < plan.submitters(); index++) {
      Submitter submitter = new Submitter(client, plan, index, window);
      submitting.add(submitter.finished());
      vertx.deployVerticle(submitter);
    }
    Future<QueueCounts> backlog = vertx.timer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(window.deadline() - System.nanoTime())))
        .compose(deadline -> counts(client, plan));

    Duration run = bench.warmup().plus(bench.duration());
    List<SubmitterTally> submitted = awaitAll(submitting, run.plus(GRACE), "submitters");
    submittersDone.set(true);
    // Beyond the drain limit, a worker finishes the claim or completion it is in (each times out).
    Duration drainLimit = plan.drainLimit().plus(Duration.ofSeconds(JobsPlan.CLAIM_WAIT_SECONDS)).plus(GRACE);
    List<WorkerTally> worked = awaitAll(working, Duration.ofNanos(window.deadline() - System.nanoTime()).plus(drainLimit),
        "workers");
    Duration drain = Duration.ofNanos(System.nanoTime() - window.deadline());
    ErrorCounts countErrors = new ErrorCounts();
    Optional<QueueCounts> atDeadline = read("at the deadline", backlog, countErrors);
    Optional<QueueCounts> atEnd = read("at the end", counts(client, plan), countErrors);
    if (atEnd.isEmpty()) {
      // Once more, so that a read that went wrong is reported rather than the check given up.
      atEnd = read("at the end, a second time", counts(client, plan), countErrors);
    }
    return new JobsReport(plan, JobsTally.sum(submitted, worked, countErrors.snapshot()), JobLedger.of(submitted, worked),
        atDeadline, atEnd, drain);
  }

  /** The sum of the counts of the run's queues, as the server has them now. */
  private static Future<QueueCounts> counts(HttpClientAgent client, JobsPlan plan) {
    List<Future<QueueCounts>> counted = IntStream.range(0, plan.queues())
        .mapToObj(queue -> client.request(new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(plan.bench().host())
                .setPort(plan.bench().port())
                .setURI(plan.countsPath(queue))
                .setIdleTimeout(COUNTS_TIMEOUT.toMillis()))
            .compose(request -> request.send())
            .compose(response -> response.body().compose(body -> response.statusCode() == 200
                ? Future.succeededFuture(QueueCounts.of(new JsonObject(body)))
                : Future.<QueueCounts>failedFuture(new IllegalStateException(
                    "GET " + plan.countsPath(queue) + " answered " + response.statusCode() + ": " + body)))))
        .toList();
    return Future.all(counted).map(all -> QueueCounts.sum(counted.stream().map(Future::result).toList()));
  }

  /**
   * The counts, or empty when they could not be read: why is then printed on standard error and
   * counted in {@code errors}.
   */
  private Optional<QueueCounts> read(String when, Future<QueueCounts> counts, ErrorCounts errors) {
    String failure;
    try {
      // Longer than the request's own timeout, whose failure says which request hung.
      return Optional.of(counts.await(COUNTS_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException slow) {
      failure = "no answer within " + COUNTS_TIMEOUT.plusSeconds(5).toSeconds() + " s";
    } catch (Exception failed) { // await rethrows whatever the request failed with, checked or not
      failure = ClosedLoop.describe(failed);
    }
    spec.commandLine().getErr().println("switchboard-bench: reading the queue counts " + when + " failed: " + failure);
    errors.count("queue counts: " + failure);
    return Optional.empty();
  }
}

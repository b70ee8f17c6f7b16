package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workers racing for one queue never share a job: eight workers, each on its own connection,
 * claim with a wait while two thousand jobs are submitted, and complete each with a result made
 * from its data. Every job is claimed by one worker once and completed once, every completion by
 * the worker that holds the lease is accepted, and the queue ends with every job succeeded.
 */
class ConcurrentWorkersTest {
  private static final int JOBS = 2_000;
  private static final int WORKERS = 8;
  private static final int SUBMIT_WINDOW = 32;
  private static final Duration DRAIN_BOUND = Duration.ofSeconds(20);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  /** What the workers saw: each completion per job, and anything a worker holding a lease should not get. */
  private static final class Ledger {
    final Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
    final Queue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
  }

  /** One worker: claims with a 1-second wait until told to stop, completes each job it gets with {@code done:<data>}. */
  private static int work(JobClient jobs, String queue, Ledger ledger) {
    int done = 0;
    try {
      while (!ledger.stop.get()) {
        Reply claim = jobs.claim(queue, "wait=1&lease=60");
        if (claim.status() == 204) {
          continue;
        }
        JsonNode job = claim.expectJson(200);
        String id = job.path("id").asText();
        ledger.claims.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
        String result = "done:" + job.path("data").asText();
        Reply completed = jobs.complete(id, job.path("lease").asText(), result);
        if (completed.status() != 200 || !completed.json().path("status").asText().equals("succeeded")
            || !completed.json().path("result").asText().equals(result)) {
          ledger.problems.add("completing " + id + " with the lease held: " + completed.status() + " " + completed.text());
          continue;
        }
        ledger.completions.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
        ledger.completed.incrementAndGet();
        done++;
      }
    } catch (RuntimeException | AssertionError failed) {
      ledger.problems.add("a worker failed: " + failed);
    }
    return done;
  }

  /** Submits {@value #JOBS} jobs, {@value #SUBMIT_WINDOW} at a time; returns their ids. */
  private static Set<String> submit(JobClient submitter, String queue) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    for (int start = 0; start < JOBS; start += SUBMIT_WINDOW) {
      List<CompletableFuture<Reply>> window = IntStream.range(start, Math.min(JOBS, start + SUBMIT_WINDOW))
          .mapToObj(i -> submitter.submitAsync(queue, "", "job-" + i))
          .toList();
      for (CompletableFuture<Reply> reply : window) {
        ids.add(reply.orTimeout(30, TimeUnit.SECONDS).join().expectJson(202).path("id").asText());
      }
    }
    return ids;
  }

  @Test
  void eightWorkersDrainTwoThousandJobsEachCompletedExactlyOnce() throws Exception {
    String queue = uniqueChannel("drain");
    JobClient submitter = new JobClient(server.api());
    Ledger ledger = new Ledger();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    List<Future<Integer>> workers = new ArrayList<>();
    try {
      for (int i = 0; i < WORKERS; i++) {
        JobClient ownConnection = new JobClient(new Api(server.api().port()));
        workers.add(pool.submit(() -> work(ownConnection, queue, ledger)));
      }

      Set<String> submitted = submit(submitter, queue);
      await("the workers complete " + JOBS + " jobs").atMost(DRAIN_BOUND).pollInterval(Duration.ofMillis(50))
          .until(() -> ledger.completed.get() >= JOBS || !ledger.problems.isEmpty());
      ledger.stop.set(true);
      List<Integer> perWorker = new ArrayList<>();
      for (Future<Integer> worker : workers) {
        perWorker.add(worker.get(5, TimeUnit.SECONDS));
      }

      assertThat(ledger.problems).as("a worker holding the lease is never refused").isEmpty();
      assertThat(submitted).hasSize(JOBS);
      assertThat(ledger.claims.keySet()).as("every job claimed, no other").isEqualTo(submitted);
      assertThat(ledger.claims.values()).as("no job claimed twice").allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(ledger.completions.keySet()).isEqualTo(submitted);
      assertThat(ledger.completions.values()).as("no job completed twice").allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(perWorker.stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
      assertThat(perWorker).as("the work is shared: %s", perWorker).filteredOn(count -> count > 0).hasSizeGreaterThan(1);

      JsonNode counts = submitter.counts(queue);
      assertThat(counts.path("succeeded").asInt()).as("%s", counts).isEqualTo(JOBS);
      assertThat(counts.path("total").asInt()).isEqualTo(JOBS);
      assertThat(counts.path("queued").asInt() + counts.path("running").asInt() + counts.path("failed").asInt()
          + counts.path("dead").asInt()).isZero();
    } finally {
      ledger.stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("every worker stopped").isTrue();
    }
  }
}

package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop worker of {@link JobsBench}: on its {@link ClosedLoop} connection it claims a job
 * of its queue (waiting up to {@value JobsPlan#CLAIM_WAIT_SECONDS} s for one), completes it with a
 * small result presenting the claim's lease, and claims the next as soon as the completion is
 * answered.
 *
 * <p>Measured when a completion is answered with 200 inside the window: the job's latency from its
 * submit (the time its data carries) and the claim's from sending the claim. Every completed job is
 * noted by submitter and number for the check at the end, and so is a job completed twice.
 *
 * <p>States: working until the deadline, then draining: it goes on until a claim sent after every
 * submitter had stopped ({@code submittersDone}) finds the queue empty for a whole wait, or until
 * the drain limit, whichever is first.
 */
final class Worker extends ClosedLoop<WorkerTally> {
  private static final String RESULT = "done";

  private final RequestOptions claim;
  private final MeasurementWindow window;
  private final long drainEndsAt;
  private final BooleanSupplier submittersDone;
  private final ProgressLine progress;

  private final Histogram endToEndMicros = Latencies.histogram();
  private final Histogram claimCompleteMicros = Latencies.histogram();
  private final Map<Integer, BitSet> completedBySubmitter = new HashMap<>();
  private long completedInWindow;
  private long completedAfterDeadline;
  private long completedTwice;
  private long conflicts;
  private long claimedAgain;
  private boolean drained;

  Worker(HttpClientAgent client, JobsPlan plan, int index, MeasurementWindow window, BooleanSupplier submittersDone,
      ProgressLine progress) {
    super(client, plan.bench());
    this.claim = request(HttpMethod.POST, plan.claimPath(index));
    this.window = window;
    this.drainEndsAt = window.deadline() + plan.drainLimit().toNanos();
    this.submittersDone = submittersDone;
    this.progress = progress;
  }

  @Override
  boolean isDone(long nanos) {
    return window.isOver(nanos) && (drained || nanos - drainEndsAt >= 0);
  }

  @Override
  void send(HttpClientConnection connection) {
    // Only a claim made once nothing more can be queued may conclude that the queue is drained.
    boolean last = submittersDone.getAsBoolean();
    long claimedAt = System.nanoTime();
    connection.request(claim)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)))
        .onComplete(answer -> onClaim(connection, last, claimedAt, answer));
  }

  @Override
  WorkerTally tally() {
    return new WorkerTally(completedInWindow, completedAfterDeadline, endToEndMicros, claimCompleteMicros, errors.snapshot(),
        conflicts, claimedAgain, completedTwice, completedBySubmitter);
  }

  private record Answer(int status, Buffer body) {}

  /** What a claim answered with 200 holds, as far as the worker needs it. */
  private record Claimed(String id, String lease, int attempt, JobData data) {
    static Optional<Claimed> of(Buffer body) {
      JsonObject json;
      try {
        json = new JsonObject(body);
      } catch (DecodeException notJson) {
        return Optional.empty();
      }
      if (!(json.getValue("id") instanceof String id && json.getValue("lease") instanceof String lease
          && json.getValue("attempt") instanceof Number attempt && json.getValue("data") instanceof String data)) {
        return Optional.empty();
      }
      return JobData.parse(data).map(job -> new Claimed(id, lease, attempt.intValue(), job));
    }
  }

  private void onClaim(HttpClientConnection connection, boolean last, long claimedAt, AsyncResult<Answer> answer) {
    if (answer.failed()) {
      failed("claim: " + describe(answer.cause()));
    } else if (answer.result().status() == 204) {
      drained = last;
      next();
    } else if (answer.result().status() != 200) {
      failed("claim: status " + answer.result().status());
    } else {
      Optional<Claimed> claimed = Claimed.of(answer.result().body());
      if (claimed.isEmpty()) {
        // Held under a lease no one presents: it shows as running in the queue's counts at the end.
        failed("claim: an answer without this run's job in it");
        return;
      }
      if (claimed.get().attempt() > 1) {
        claimedAgain++;
      }
      complete(connection, claimed.get(), claimedAt);
    }
  }

  private void complete(HttpClientConnection connection, Claimed claimed, long claimedAt) {
    RequestOptions completion = request(HttpMethod.POST, JobsPlan.completePath(claimed.id()))
        .putHeader(JobsBench.LEASE_HEADER, claimed.lease());
    connection.request(completion)
        .compose(request -> request.send(RESULT))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(answer -> onCompleted(claimed.data(), claimedAt, answer));
  }

  private void onCompleted(JobData job, long claimedAt, AsyncResult<Integer> answer) {
    long answeredAt = System.nanoTime();
    if (answer.succeeded() && answer.result() == 200) {
      note(job);
      progress.count();
      if (window.counts(answeredAt)) {
        completedInWindow++;
        endToEndMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - job.submittedAt()));
        claimCompleteMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - claimedAt));
      } else if (window.isOver(answeredAt)) {
        completedAfterDeadline++;
      }
      next();
    } else {
      if (answer.succeeded() && answer.result() == 409) {
        conflicts++;
      }
      failed("complete: " + (answer.succeeded() ? "status " + answer.result() : describe(answer.cause())));
    }
  }

  private void note(JobData job) {
    BitSet completed = completedBySubmitter.computeIfAbsent(job.submitter(), submitter -> new BitSet());
    if (completed.get(job.number())) {
      completedTwice++;
    }
    completed.set(job.number());
  }
}

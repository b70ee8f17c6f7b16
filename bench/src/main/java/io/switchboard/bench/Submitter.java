package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop submitter of {@link JobsBench}: submits jobs to its queue on its
 * {@link ClosedLoop} connection until the window's deadline. Each job's data says who submitted it,
 * its number and when ({@link JobData}); the numbers answered with 202 are kept for the check at
 * the end that every one of them was completed once.
 */
final class Submitter extends ClosedLoop<SubmitterTally> {
  private final int index;
  private final RequestOptions submit;
  private final int jobSize;
  private final MeasurementWindow window;

  private final Histogram latencyMicros = Latencies.histogram();
  private final BitSet accepted = new BitSet();
  private long submittedInWindow;
  private int nextNumber;

  Submitter(HttpClientAgent client, JobsPlan plan, int index, MeasurementWindow window) {
    super(client, plan.bench());
    this.index = index;
    this.submit = request(HttpMethod.POST, plan.submitPath(index));
    this.jobSize = plan.bench().bodySize();
    this.window = window;
  }

  @Override
  boolean isDone(long nanos) {
    return window.isOver(nanos);
  }

  @Override
  void send(HttpClientConnection connection) {
    // A number per submit, failed ones included, so that a job the server took although its
    // answer was lost still has a number of its own.
    int number = nextNumber++;
    long sentAt = System.nanoTime();
    Buffer data = Buffer.buffer(new JobData(index, number, sentAt).encode(jobSize));
    connection.request(submit)
        .compose(request -> request.send(data))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(answer -> onAnswer(number, sentAt, answer));
  }

  @Override
  SubmitterTally tally() {
    return new SubmitterTally(index, submittedInWindow, latencyMicros, errors.snapshot(), accepted);
  }

  private void onAnswer(int number, long sentAt, AsyncResult<Integer> answer) {
    long answeredAt = System.nanoTime();
    if (answer.succeeded() && answer.result() == 202) {
      accepted.set(number);
      if (window.counts(answeredAt)) {
        submittedInWindow++;
        latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - sentAt));
      }
      next();
    } else {
      failed("submit: " + (answer.succeeded() ? "status " + answer.result() : describe(answer.cause())));
    }
  }
}

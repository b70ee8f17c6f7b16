package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop publisher: publishes on its {@link ClosedLoop} connection until the window's
 * deadline. Latency is measured from sending a request to reading its whole answer; an answer
 * its {@link Target} does not accept (Switchboard: other than 201) is a failure.
 */
final class Publisher extends ClosedLoop<PublisherTally> {
  private final Target target;
  private final RequestOptions publish;
  private final Buffer body;
  private final MeasurementWindow window;
  private final ProgressLine progress;

  private final Histogram latencyMicros = Latencies.histogram();
  private long created;

  Publisher(HttpClientAgent client, PublishPlan plan, int index, Buffer body, MeasurementWindow window,
      ProgressLine progress) {
    super(client, plan.bench());
    this.target = plan.bench().target();
    this.publish = request(HttpMethod.POST, plan.publishPath(index));
    this.body = body;
    this.window = window;
    this.progress = progress;
  }

  @Override
  boolean isDone(long nanos) {
    return window.isOver(nanos);
  }

  @Override
  void send(HttpClientConnection connection) {
    long sentAt = System.nanoTime();
    connection.request(publish)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(answer -> onAnswer(sentAt, answer));
  }

  @Override
  PublisherTally tally() {
    return new PublisherTally(created, errors.snapshot(), latencyMicros);
  }

  private void onAnswer(long sentAt, AsyncResult<Integer> answer) {
    long answeredAt = System.nanoTime();
    if (answer.succeeded() && target.accepted(answer.result())) {
      progress.count();
      if (window.counts(answeredAt)) {
        created++;
        latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - sentAt));
      }
      next();
    } else {
      failed(answer.succeeded() ? "status " + answer.result() : describe(answer.cause()));
    }
  }
}

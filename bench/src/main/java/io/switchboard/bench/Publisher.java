package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop publisher: one HTTP/1.1 keep-alive connection with one publish in flight, the
 * next one sent as soon as the previous one is answered, until the window's deadline.
 *
 * <p>Threads: deployed as a verticle, so the connection and every callback run on the one event
 * loop of its context; its counters and histogram are confined to that thread and need no lock.
 * The main thread sees them only as the immutable {@link Tally} that completes {@link #finished()}.
 *
 * <p>States: connecting → publishing → finished at the deadline. A lost connection sends it back
 * to connecting; a failed connect or request, or an answer other than 201, is counted by cause
 * and followed by a pause of {@value #PAUSE_AFTER_ERROR_MILLIS} ms, so a dead server is not spun
 * on. Latency is measured from sending a request to reading the whole answer; connecting is not
 * part of it.
 */
final class Publisher extends VerticleBase {
  /** Significant decimal digits the latency histograms keep. */
  static final int LATENCY_DIGITS = 3;

  private static final long PAUSE_AFTER_ERROR_MILLIS = 10;
  /** A request that has had no answer for this long fails (and closes its connection). */
  private static final long REQUEST_IDLE_TIMEOUT_MILLIS = 10_000;
  /** Distinct error causes kept by name; further ones are counted under {@link #OTHER_CAUSES}. */
  private static final int MAX_CAUSES = 16;
  private static final String OTHER_CAUSES = "other causes";

  private final HttpClientAgent client;
  private final HttpConnectOptions target;
  private final RequestOptions publish;
  private final Buffer body;
  private final MeasurementWindow window;
  private final Promise<Tally> finished = Promise.promise();

  private final Histogram latencyMicros = new Histogram(LATENCY_DIGITS);
  private final SortedMap<String, Long> errorsByCause = new TreeMap<>();
  private long created;
  /** The open connection; null while connecting or after it was lost. */
  private HttpClientConnection connection;

  Publisher(HttpClientAgent client, BenchPlan plan, int index, Buffer body, MeasurementWindow window) {
    this.client = client;
    this.target = new HttpConnectOptions().setHost(plan.host()).setPort(plan.port());
    this.publish = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(plan.host())
        .setPort(plan.port())
        .setURI(plan.publishPath(index))
        .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MILLIS);
    this.body = body;
    this.window = window;
  }

  /** Completes with what this publisher counted once it has stopped at the deadline. */
  Future<Tally> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    publishNext();
    return Future.succeededFuture();
  }

  private void publishNext() {
    if (window.isOver(System.nanoTime())) {
      finish();
    } else if (connection == null) {
      connect();
    } else {
      long sentAt = System.nanoTime();
      connection.request(publish)
          .compose(request -> request.send(body))
          .compose(response -> response.body().map(ignored -> response.statusCode()))
          .onComplete(answer -> onAnswer(sentAt, answer));
    }
  }

  private void connect() {
    client.connect(target).onComplete(connected -> {
      if (connected.succeeded()) {
        HttpClientConnection opened = connected.result();
        opened.closeHandler(closed -> forget(opened));
        connection = opened;
        publishNext();
      } else {
        countError("connect: " + describe(connected.cause()));
        pauseThenPublish();
      }
    });
  }

  private void onAnswer(long sentAt, AsyncResult<Integer> answer) {
    long answeredAt = System.nanoTime();
    if (answer.succeeded() && answer.result() == 201) {
      if (window.counts(answeredAt)) {
        created++;
        latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - sentAt));
      }
      publishNext();
    } else {
      countError(answer.succeeded() ? "status " + answer.result() : describe(answer.cause()));
      pauseThenPublish();
    }
  }

  private void forget(HttpClientConnection closed) {
    if (connection == closed) {
      connection = null;
    }
  }

  private void pauseThenPublish() {
    vertx.setTimer(PAUSE_AFTER_ERROR_MILLIS, timer -> publishNext());
  }

  private void countError(String cause) {
    String key = errorsByCause.containsKey(cause) || errorsByCause.size() < MAX_CAUSES ? cause : OTHER_CAUSES;
    errorsByCause.merge(key, 1L, Long::sum);
  }

  private void finish() {
    Tally tally = new Tally(created, errorsByCause, latencyMicros);
    if (connection == null) {
      finished.complete(tally);
    } else {
      connection.close().onComplete(closed -> finished.complete(tally));
    }
  }

  private static String describe(Throwable failure) {
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }
}

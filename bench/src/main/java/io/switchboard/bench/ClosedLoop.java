package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One closed-loop client of a bench: one HTTP/1.1 keep-alive connection with one request in
 * flight, the next one sent as soon as the previous one is answered, until the subclass says it is
 * done. {@link Publisher}, {@link Submitter} and {@link Worker} say what they send and count.
 *
 * <p>Threads: deployed as a verticle, so the connection and every callback run on the one event
 * loop of its context; its counters and histograms are confined to that thread and need no lock.
 * The main thread sees them only as the immutable tally of type {@code T} that completes
 * {@link #finished()}.
 *
 * <p>States: connecting → sending → finished. A lost connection sends it back to connecting; a
 * failed connect or request, or an unexpected answer, is counted by cause ({@link #failed}) and
 * followed by a pause of {@value #PAUSE_AFTER_ERROR_MILLIS} ms, so a dead server is not spun on.
 * Connecting is never part of a measured latency.
 *
 * @param <T> what the client counted, handed over once it has finished
 */
abstract class ClosedLoop<T> extends VerticleBase {
  private static final long PAUSE_AFTER_ERROR_MILLIS = 10;
  /** A request that has had no answer for this long fails (and closes its connection). */
  private static final long REQUEST_IDLE_TIMEOUT_MILLIS = 10_000;

  final ErrorCounts errors = new ErrorCounts();

  private final HttpClientAgent client;
  private final BenchPlan plan;
  private final HttpConnectOptions target;
  private final Promise<T> finished = Promise.promise();
  /** The open connection; null while connecting or after it was lost. */
  private HttpClientConnection connection;

  ClosedLoop(HttpClientAgent client, BenchPlan plan) {
    this.client = client;
    this.plan = plan;
    this.target = new HttpConnectOptions().setHost(plan.host()).setPort(plan.port());
  }

  /** Completes with what this client counted once it has stopped. */
  final Future<T> finished() {
    return finished.future();
  }

  @Override
  public final Future<?> start() {
    next();
    return Future.succeededFuture();
  }

  /** Whether to stop now, on the event loop before each request: e.g. the deadline has passed. */
  abstract boolean isDone(long nanos);

  /**
   * Sends the next request (or requests) on {@code connection}; calls {@link #next} when its
   * answer is in, or {@link #failed} when it went wrong.
   */
  abstract void send(HttpClientConnection connection);

  /** What this client counted; called once, on its event loop, when it is done. */
  abstract T tally();

  /** Finishes when done, connects when there is no connection, and sends otherwise. */
  final void next() {
    if (isDone(System.nanoTime())) {
      finish();
    } else if (connection == null) {
      connect();
    } else {
      send(connection);
    }
  }

  /** Counts a failure by {@code cause} and goes on after a pause. */
  final void failed(String cause) {
    errors.count(cause);
    vertx.setTimer(PAUSE_AFTER_ERROR_MILLIS, timer -> next());
  }

  /** A request to this bench's server with the request timeout every client uses. */
  final RequestOptions request(HttpMethod method, String uri) {
    return new RequestOptions()
        .setMethod(method)
        .setHost(plan.host())
        .setPort(plan.port())
        .setURI(uri)
        .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MILLIS);
  }

  static String describe(Throwable failure) {
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  private void connect() {
    client.connect(target).onComplete(connected -> {
      if (connected.succeeded()) {
        HttpClientConnection opened = connected.result();
        opened.closeHandler(closed -> forget(opened));
        connection = opened;
        next();
      } else {
        failed("connect: " + describe(connected.cause()));
      }
    });
  }

  private void forget(HttpClientConnection closed) {
    if (connection == closed) {
      connection = null;
    }
  }

  private void finish() {
    T tally = tally();
    if (connection == null) {
      finished.complete(tally);
    } else {
      connection.close().onComplete(closed -> finished.complete(tally));
    }
  }
}

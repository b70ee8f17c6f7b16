package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The subscribers of a subscriber bench that share one event loop: it opens them, at most its share
 * of {@link SubscriberPlan#connectsInFlight} at a time, counts what they receive, and at the end
 * closes them and sums up.
 *
 * <p>Threads: a verticle, so the subscribers, their connections and the counters here are confined
 * to its event loop. The main thread talks to it only through the futures of {@link #opened},
 * {@link #countFrom} and {@link #finish}, which run on that loop; what any thread may read while it
 * runs is in the shared {@link LiveCounts}.
 *
 * <p>States: opening (until every subscriber is subscribed or has failed to) → waiting for the
 * window ({@link #countFrom}) → counting → finished. Deliveries before the window are checked for
 * sequence but not counted; there are none in a well-behaved run, as nothing is published before.
 */
final class SubscriberGroup extends VerticleBase {
  /** How long one subscriber may take to connect and be confirmed. */
  private static final long OPEN_TIMEOUT_SECONDS = 30;

  private final SubscriberPlan plan;
  private final List<Integer> indices;
  private final int connectsInFlight;
  private final LiveCounts live;
  private final Promise<List<Subscriber>> opened = Promise.promise();

  private final List<Subscriber> subscribed = new ArrayList<>();
  private final ErrorCounts errors = new ErrorCounts();
  private final Histogram latencyMicros = Latencies.histogram();
  private HttpClientAgent httpClient;
  private WebSocketClient webSocketClient;
  private MeasurementWindow window;
  private long deliveriesInWindow;
  private int opening;

  SubscriberGroup(SubscriberPlan plan, List<Integer> indices, int connectsInFlight, LiveCounts live) {
    this.plan = plan;
    this.indices = List.copyOf(indices);
    this.connectsInFlight = connectsInFlight;
    this.live = live;
  }

  @Override
  public Future<?> start() {
    httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    int frame = Math.max(WebSocketClientOptions.DEFAULT_MAX_FRAME_SIZE, plan.maxLineBytes() * 2);
    // Without setMaxConnections, the client opens 50 WebSockets per server and queues the rest.
    webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(frame).setMaxMessageSize(frame * 4)
        .setMaxConnections(Math.max(1, indices.size())));
    ArrayDeque<Integer> waiting = new ArrayDeque<>(indices);
    if (waiting.isEmpty()) {
      opened.complete(List.of());
    }
    for (int i = 0; i < connectsInFlight && !waiting.isEmpty(); i++) {
      openNext(waiting);
    }
    return Future.succeededFuture();
  }

  /** Completes, on this group's loop, with the subscribers that were confirmed once every one has been tried. */
  Future<List<Subscriber>> opened() {
    return opened.future();
  }

  /** Starts counting in {@code window}, on this group's loop. */
  Future<Void> countFrom(MeasurementWindow window) {
    return onLoop(() -> {
      this.window = window;
      return null;
    });
  }

  /** How many accepted messages the subscribers have not received yet, summed, on this group's loop. */
  Future<Long> missing(PublishLedger ledger) {
    return onLoop(() -> subscribed.stream().mapToLong(subscriber -> ledger.missing(subscriber.channel, subscriber.check)).sum());
  }

  /**
   * Closes every subscriber and sums what they counted, on this group's loop; {@code ledger} is
   * what the publishers had accepted, to tell what was lost (null for a bench that publishes nothing).
   */
  Future<GroupTally> finish(PublishLedger ledger) {
    return onLoop(() -> {
      GroupTally tally = tally(ledger);
      return Future.all(subscribed.stream().map(Subscriber::close).toList()).map(closed -> tally);
    }).compose(closing -> closing);
  }

  SubscriberPlan plan() {
    return plan;
  }

  Vertx vertx() {
    return vertx;
  }

  HttpClientAgent httpClient() {
    return httpClient;
  }

  WebSocketClient webSocketClient() {
    return webSocketClient;
  }

  void countDelivery(boolean first, long publishedAt, long receivedAt) {
    if (first) {
      live.delivered.increment();
    }
    if (window == null) {
      return;
    }
    if (window.counts(receivedAt)) {
      deliveriesInWindow++;
    }
    if (window.counts(publishedAt)) {
      latencyMicros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(receivedAt - publishedAt)));
    }
  }

  void countError(String cause) {
    errors.count(cause);
    live.errors.increment();
  }

  void countEnded() {
    live.closed.increment();
  }

  private void openNext(ArrayDeque<Integer> waiting) {
    int index = waiting.poll();
    Subscriber subscriber = plan.newSubscriber(this, index);
    opening++;
    subscriber.open().timeout(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS).onComplete(done -> {
      opening--;
      if (done.succeeded()) {
        subscribed.add(subscriber);
        live.subscribed.increment();
      } else {
        countError("subscribe: " + done.cause().getMessage());
        subscriber.close();
      }
      if (!waiting.isEmpty()) {
        openNext(waiting);
      } else if (opening == 0) {
        opened.complete(List.copyOf(subscribed));
      }
    });
  }

  private GroupTally tally(PublishLedger ledger) {
    long lost = 0;
    long duplicated = 0;
    long reordered = 0;
    for (Subscriber subscriber : subscribed) {
      if (ledger != null) {
        lost += ledger.lost(subscriber.channel, subscriber.check);
      }
      duplicated += subscriber.check.duplicated();
      reordered += subscriber.check.reordered();
    }
    return new GroupTally(indices.size(), subscribed.size(), deliveriesInWindow, latencyMicros, lost, duplicated, reordered,
        errors.snapshot());
  }

  private <T> Future<T> onLoop(Callable<T> task) {
    Promise<T> done = Promise.promise();
    context.runOnContext(run -> {
      try {
        done.complete(task.call());
      } catch (Exception failed) {
        done.fail(failed);
      }
    });
    return done.future();
  }
}

package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An open-loop publisher: at each tick of a fixed rate it publishes one message to each of its
 * channels, whether or not earlier publishes have been answered (so a slow server makes messages
 * late, and their latency shows it, instead of making the publisher wait: no coordinated
 * omission). Tick k is due {@code k / rate} seconds after the start; a message carries its
 * sequence number k and the time it was due ({@link MessageData}), not the time it was sent.
 *
 * <p>One keep-alive HTTP/1.1 connection with requests pipelined on it, so that the server takes a
 * channel's messages in their order. At most {@value #MAX_IN_FLIGHT} requests are in flight; a
 * publish that would be one more is skipped and counted as an error, so an overwhelmed server
 * shows as errors instead of as unbounded memory in the generator.
 *
 * <p>Threads: a verticle; the connection, the ticks and the ledger are confined to its event loop.
 * States: connecting → publishing (a periodic timer of {@value #TIMER_MILLIS} ms sends whatever is
 * due) → answering (no tick is left; waiting for the last answers) → finished.
 */
final class PacedPublisher extends VerticleBase {
  static final int MAX_IN_FLIGHT = 4_096;
  private static final long TIMER_MILLIS = 1;
  private static final long PUBLISH_TIMEOUT_MILLIS = 10_000;

  private final DeliveryPlan plan;
  private final List<Integer> channels;
  private MeasurementWindow window;
  private long start;
  private final LiveCounts live;
  private final Promise<PublishLedger> finished = Promise.promise();

  private final Map<Integer, BitSet> accepted = new HashMap<>();
  private final ErrorCounts errors = new ErrorCounts();
  private HttpClientAgent client;
  private HttpClientConnection connection;
  private boolean connecting;
  private long timer;
  private int nextTick;
  private int inFlight;
  private long acceptedInWindow;

  /** Publisher {@code index} of {@code plan}, for the channels c with c mod publishers = index. */
  PacedPublisher(DeliveryPlan plan, int index, LiveCounts live) {
    this.plan = plan;
    this.channels = IntStream.range(0, plan.subscribers().channels()).filter(c -> c % plan.publishers() == index).boxed().toList();
    this.live = live;
    channels.forEach(channel -> accepted.put(channel, new BitSet()));
  }

  Future<PublishLedger> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(true)
        .setPipeliningLimit(MAX_IN_FLIGHT));
    return connect();
  }

  /**
   * Starts publishing, tick 0 being due at {@code start} (a {@link System#nanoTime()}), the window
   * being the plan's warm-up and duration from there; called once, from any thread.
   */
  void begin(long start) {
    context.runOnContext(go -> {
      this.start = start;
      this.window = MeasurementWindow.startingAt(start, plan.subscribers().bench().warmup(), plan.subscribers().bench().duration());
      timer = vertx.setPeriodic(TIMER_MILLIS, tick -> publishWhatIsDue());
      publishWhatIsDue();
    });
  }

  private void publishWhatIsDue() {
    long now = System.nanoTime();
    int end = plan.ticks();
    while (nextTick < end && now - (start + plan.tickOffsetNanos(nextTick)) >= 0) {
      for (int channel : channels) {
        publish(channel, nextTick);
      }
      nextTick++;
    }
    if (nextTick == end && vertx.cancelTimer(timer)) {
      finishWhenAnswered();
    }
  }

  private void publish(int channel, int sequence) {
    if (connection == null) {
      errors.count("publish skipped: not connected");
      live.errors.increment();
      connect();
      return;
    }
    if (inFlight == MAX_IN_FLIGHT) {
      errors.count("publish skipped: " + MAX_IN_FLIGHT + " publishes already in flight");
      live.errors.increment();
      return;
    }
    SubscriberPlan subscribers = plan.subscribers();
    long due = start + plan.tickOffsetNanos(sequence);
    Buffer body = Buffer.buffer(new MessageData(sequence, due).encode(subscribers.bench().bodySize()));
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(subscribers.bench().host())
        .setPort(subscribers.bench().port())
        .setURI(subscribers.target().publishPath(subscribers.channelName(channel)))
        .setIdleTimeout(PUBLISH_TIMEOUT_MILLIS);
    inFlight++;
    connection.request(request)
        .compose(outgoing -> outgoing.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(answer -> onAnswer(channel, sequence, window.counts(due), answer));
  }

  private void onAnswer(int channel, int sequence, boolean inWindow, AsyncResult<Integer> answer) {
    inFlight--;
    if (answer.succeeded() && plan.subscribers().target().accepted(answer.result())) {
      accepted.get(channel).set(sequence);
      live.published.increment();
      if (inWindow) {
        acceptedInWindow++;
      }
    } else {
      errors.count("publish: " + (answer.succeeded() ? "status " + answer.result() : ClosedLoop.describe(answer.cause())));
      live.errors.increment();
    }
    finishWhenAnswered();
  }

  private void finishWhenAnswered() {
    if (nextTick == plan.ticks() && inFlight == 0 && !finished.future().isComplete()) {
      PublishLedger ledger = new PublishLedger(accepted, plan.windowFrom(), plan.ticks(), acceptedInWindow, errors.snapshot());
      (connection == null ? Future.succeededFuture() : connection.close())
          .onComplete(closed -> finished.complete(ledger));
    }
  }

  private Future<HttpClientConnection> connect() {
    if (connecting) {
      return Future.failedFuture("already connecting");
    }
    connecting = true;
    SubscriberPlan subscribers = plan.subscribers();
    return client.connect(new HttpConnectOptions().setHost(subscribers.bench().host()).setPort(subscribers.bench().port()))
        .andThen(connected -> {
          connecting = false;
          if (connected.failed()) {
            errors.count("publisher connect: " + ClosedLoop.describe(connected.cause()));
            live.errors.increment();
            return;
          }
          HttpClientConnection opened = connected.result();
          connection = opened;
          opened.closeHandler(closed -> {
            if (connection == opened) {
              connection = null;
            }
          });
        });
  }
}

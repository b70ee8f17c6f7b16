package io.switchboard.server.http;

import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionListener;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.Delivery;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open event stream: what its subscription delivers, written to its HTTP response.
 *
 * <p>Deliveries arrive on engine threads; they are encoded there (once per message for all
 * streams, through {@link io.switchboard.core.message.Delivery}) and put in an outbox. The first
 * item put in an empty outbox schedules one drain on the stream's event loop, which writes
 * everything waiting as one buffer: one write and one flush however many messages a burst
 * brought. The publisher never waits for a subscriber's socket.
 *
 * <p>Slow consumers: the bytes in the outbox plus those Vert.x has not yet handed to the socket
 * are bounded by {@code maxBufferedBytes}. A stream that goes over is sent a
 * {@value SseFormats#SLOW_CONSUMER} event and ended, its subscription closed at once; the client
 * reconnects with its last id and resumes from history, so nothing is lost and its backlog no
 * longer costs the server memory. If it does not even read the final event, the connection is
 * closed after {@link #ABANDON_AFTER_MILLIS}.
 *
 * <p>Threads: {@link #onMessage}, {@link #onTruncated} and {@link #onClosed} are called by the
 * subscription, never concurrently; everything else runs on the stream's event loop.
 */
final class SseStream implements SubscriptionListener {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);
  static final long ABANDON_AFTER_MILLIS = 10_000;

  private final Context context;
  private final HttpServerResponse response;
  private final int maxBufferedBytes;
  private final Consumer<SseStream> onEnd;
  private final Queue<Buffer> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicLong outboxBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile boolean ending;
  private volatile Buffer finalEvent;
  private Subscription subscription;
  /** Only for streams of several channels; updated by subscription callbacks, which never overlap. */
  private StreamCursor streamCursor;

  /**
   * @param streamCursor the position of a {@code /v1/subscribe} stream, or null for a channel's own stream
   * @param onEnd called once on the event loop when the stream has ended, for whatever reason
   */
  SseStream(Context context, HttpServerResponse response, int maxBufferedBytes, StreamCursor streamCursor, Consumer<SseStream> onEnd) {
    this.context = context;
    this.response = response;
    this.maxBufferedBytes = maxBufferedBytes;
    this.streamCursor = streamCursor;
    this.onEnd = onEnd;
    response.setWriteQueueMaxSize(maxBufferedBytes);
    response.closeHandler(closed -> end());
    response.exceptionHandler(failure -> end());
  }

  /** Attaches the subscription that feeds this stream (it may already have delivered history). */
  void attach(Subscription feeding) {
    subscription = feeding;
    if (ending) {
      feeding.close();
    }
  }

  @Override
  public void onMessage(Delivery delivery) {
    if (streamCursor == null) {
      enqueue(delivery.encoded(SseFormats.CHANNEL_EVENT));
    } else {
      streamCursor = streamCursor.after(delivery.message());
      Buffer body = delivery.encoded(SseFormats.ENVELOPE_BODY);
      enqueue(SseFormats.idLine(streamCursor.encode()).appendBuffer(body));
    }
  }

  @Override
  public void onTruncated(ChannelName channel, Cursor earliest) {
    enqueue(SseFormats.truncated(channel, earliest));
  }

  @Override
  public void onClosed(End why) {
    Buffer last = switch (why) {
      case SERVER_SHUTDOWN -> SseFormats.serverEvent(SseFormats.SHUTDOWN,
          "{\"detail\":\"the server is shutting down; reconnect with your last id to resume\"}");
      case ENGINE_FAILED -> SseFormats.serverEvent(SseFormats.UNAVAILABLE,
          "{\"detail\":\"the storage engine failed; reconnect with your last id to resume\"}");
    };
    finish(last);
  }

  /** Writes a heartbeat comment; runs on the event loop. */
  void heartbeat() {
    if (!ending && !response.writeQueueFull()) {
      response.write(SseFormats.heartbeat());
    }
  }

  private void enqueue(Buffer event) {
    if (ending) {
      return;
    }
    outbox.add(event);
    if (outboxBytes.addAndGet(event.length()) > maxBufferedBytes) {
      slowConsumer();
      return;
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(ignored -> drain());
    }
  }

  private void drain() {
    drainScheduled.set(false);
    Buffer batch = null;
    for (Buffer event = outbox.poll(); event != null; event = outbox.poll()) {
      outboxBytes.addAndGet(-event.length());
      if (!response.ended() && !response.closed()) {
        batch = batch == null ? Buffer.buffer(event.length() * 2).appendBuffer(event) : batch.appendBuffer(event);
      }
    }
    if (batch != null && !response.ended() && !response.closed()) {
      response.write(batch);
      if (response.writeQueueFull() && finalEvent == null) {
        slowConsumer();
        return;
      }
    }
    if (finalEvent != null && !response.ended() && !response.closed()) {
      response.end(finalEvent);
      end();
    }
  }

  private void slowConsumer() {
    log.info("closing a slow event stream: more than {} bytes waiting to be sent", maxBufferedBytes);
    outbox.clear();
    outboxBytes.set(0);
    finish(SseFormats.serverEvent(SseFormats.SLOW_CONSUMER, "{\"detail\":\"this stream fell more than "
        + maxBufferedBytes + " bytes behind and was closed; reconnect with your last id to resume from history\"}"));
    context.runOnContext(ignored -> {
      if (!response.closed()) {
        context.owner().setTimer(ABANDON_AFTER_MILLIS, id -> {
          if (!response.closed()) {
            response.reset();
          }
        });
      }
    });
  }

  /** Sends {@code last} after what is queued, then ends the response and the subscription. */
  private void finish(Buffer last) {
    if (ending) {
      return;
    }
    finalEvent = last;
    ending = true;
    Subscription feeding = subscription;
    if (feeding != null) {
      feeding.close();
    }
    context.runOnContext(ignored -> drain());
  }

  /** The stream is over (ended by us or closed by the client): release everything, once. */
  private void end() {
    ending = true;
    if (!released.compareAndSet(false, true)) {
      return;
    }
    Subscription feeding = subscription;
    if (feeding != null) {
      feeding.close();
    }
    outbox.clear();
    onEnd.accept(this);
  }
}

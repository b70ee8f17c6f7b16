package io.switchboard.server.http;

import io.netty.buffer.ByteBuf;
import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionListener;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.Delivery;
import io.switchboard.server.outbound.Outbox;
import io.switchboard.server.outbound.OutboxDrainer;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open event stream: what its subscription delivers, written to its HTTP response.
 *
 * <p>Deliveries arrive on engine threads; they are encoded there (once per message for all
 * streams, through {@link io.switchboard.core.message.Delivery}) and put in the stream's
 * {@link Outbox}, which writes them on the stream's event loop in chunks. While the outbox is
 * backed up the stream tells its subscription so ({@link #isBackedUp}), which pauses history; a
 * client far behind is therefore fed at the pace it reads. Live messages are never paused: when
 * the outbox refuses one, the client is not keeping up with the channel, and the stream is sent a
 * {@value SseFormats#SLOW_CONSUMER} event and ended, its subscription closed at once. The client reconnects with its last id and resumes from history, so nothing is lost and
 * its backlog no longer costs the server memory. If the final event cannot even be handed to the
 * socket within {@link #ABANDON_AFTER_MILLIS} (the client reads nothing and the socket's buffers are
 * full), the connection is closed.
 *
 * <p>Writes: Vert.x writes the response's head, the opening and the final event (with the end of
 * the body); everything between goes through a {@link ChunkedBodyWriter} as whole HTTP chunks: a
 * channel stream's messages as framed once for all its subscribers, anything of this stream's own
 * framed here. The outbox's backpressure is then the channel's writability.
 *
 * <p>Threads: {@link #onMessage}, {@link #onTruncated} and {@link #onClosed} are called by the
 * subscription, never concurrently; everything else runs on the stream's event loop.
 */
final class SseStream implements SubscriptionListener {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);
  static final long ABANDON_AFTER_MILLIS = 10_000;

  private final Context context;
  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final int maxBufferedBytes;
  private final Consumer<SseStream> onEnd;
  private final Outbox<ByteBuf> outbox;
  private final ChunkedBodyWriter body;
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile boolean ending;
  private volatile Buffer finalEvent;
  private volatile boolean finalEventWritten;
  private volatile Subscription subscription;
  /** Only for streams of several channels; updated by subscription callbacks, which never overlap. */
  private StreamCursor streamCursor;

  /**
   * @param opening what the stream starts with, written with the response's head
   * @param streamCursor the position of a {@code /v1/subscribe} stream, or null for a channel's own stream
   * @param onEnd called once on the event loop when the stream has ended, for whatever reason
   */
  SseStream(Context context, OutboxDrainer drainer, HttpServerResponse response, HttpConnection connection,
      int maxBufferedBytes, boolean tcpNoDelay, Buffer opening, StreamCursor streamCursor, Consumer<SseStream> onEnd) {
    this.context = context;
    this.response = response;
    this.connection = connection;
    this.maxBufferedBytes = maxBufferedBytes;
    this.streamCursor = streamCursor;
    this.onEnd = onEnd;
    this.outbox = new Outbox<>(drainer, maxBufferedBytes, ByteBuf::readableBytes, new Outbox.Sink<>() {
      @Override
      public void write(List<ByteBuf> chunks) {
        if (!response.ended() && !response.closed()) {
          body.write(chunks);
        }
      }

      @Override
      public boolean isFull() {
        return !body.isWritable();
      }
    }, this::onRoom);
    // The channel's water marks, which are what the body writer's backpressure is.
    response.setWriteQueueMaxSize(outbox.socketQueueBytes());
    this.body = ChunkedBodyWriter.open(response, connection, opening, outbox::writableAgain, tcpNoDelay);
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
      enqueueChunk(delivery.encoded(SseFormats.CHANNEL_CHUNK));
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

  @Override
  public boolean isBackedUp() {
    return outbox.isBackedUp();
  }

  /** Whether the stream is over and its resources released. */
  boolean hasEnded() {
    return released.get();
  }

  /** Ends the stream with a final event of the server's own, after what is queued. */
  void endWith(String type, String detail) {
    finish(SseFormats.finalEvent(type, detail));
  }

  /** Writes a heartbeat comment; runs on the event loop. */
  void heartbeat() {
    if (!ending && body.isWritable() && !response.ended() && !response.closed()) {
      body.write(List.of(SseFormats.heartbeatChunk()));
    }
  }

  private void enqueue(Buffer event) {
    enqueueChunk(SseFormats.chunk(event));
  }

  private void enqueueChunk(ByteBuf chunk) {
    if (!ending && !outbox.add(chunk)) {
      slowConsumer();
    }
  }

  /** Everything waiting reached the socket: end the stream if it is ending, else go on with history. */
  private void onRoom() {
    if (finalEvent != null) {
      if (!response.ended() && !response.closed()) {
        response.end(finalEvent).onComplete(written -> finalEventWritten = true);
      }
      end();
      return;
    }
    Subscription feeding = subscription;
    if (feeding != null) {
      feeding.resumeDelivery();
    }
  }

  private void slowConsumer() {
    log.info("closing a slow event stream: more than {} bytes waiting to be sent", maxBufferedBytes);
    outbox.clear();
    finish(SseFormats.serverEvent(SseFormats.SLOW_CONSUMER, "{\"detail\":\"this stream fell more than "
        + maxBufferedBytes + " bytes behind and was closed; reconnect with your last id to resume from history\"}"));
    context.runOnContext(ignored -> context.owner().setTimer(ABANDON_AFTER_MILLIS, id -> {
      if (!finalEventWritten) {
        // The client reads nothing: what it has not taken is dropped with the connection.
        connection.close();
      }
    }));
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
    outbox.awaitRoom();
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
    outbox.close();
    body.close();
    onEnd.accept(this);
  }
}

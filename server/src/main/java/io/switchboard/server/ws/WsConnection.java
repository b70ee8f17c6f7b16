package io.switchboard.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.auth.AccessDeniedException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionListener;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.IdempotencyConflictException;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Publication;
import io.switchboard.server.limits.PublishRate;
import io.switchboard.server.limits.RateLimitedException;
import io.switchboard.server.outbound.Outbox;
import io.switchboard.server.outbound.OutboxDrainer;
import io.switchboard.server.outbound.PipelineWriter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/ws} connection: the JSON frame protocol, many subscriptions, publishes with
 * acknowledgements, and the worker side of jobs ({@link WsWorker}).
 *
 * <p>Every client frame gets an answer or a delivery; a frame that is not valid gets an
 * {@code error} frame with its {@code ref} and a status, and the connection stays open.
 *
 * <p>Outgoing frames take the same path as event streams: deliveries are encoded once per message
 * as a whole frame for every WebSocket subscriber ({@link WsFrames#MESSAGE}) and put in the
 * connection's {@link Outbox} on the engine's thread, which writes them below Vert.x's WebSocket
 * encoder ({@link PipelineWriter}), as every other text frame of the connection, so that none
 * overtakes another; pings and the close frame go through Vert.x. While it is backed up, history is paused
 * ({@link SubscriptionListener#isBackedUp}); live messages are not, and when the outbox refuses
 * one the connection is closed with {@value #SLOW_CONSUMER} and a reason: the client resumes each
 * subscription with {@code after}.
 *
 * <p>Each subscribe, publish and job op is checked against the grants of the token the connection
 * was opened with; a refused op gets an {@code error} frame with 401 or 403. When that token
 * expires the connection is closed with {@value #TOKEN_EXPIRED}.
 *
 * <p>Threads: client frames, pings and the close run on the event loop, which alone touches
 * {@link #subscriptions}; subscription callbacks arrive on engine threads and only enqueue.
 */
final class WsConnection {
  private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

  /** Close code for a connection that fell too far behind (private-use range of RFC 6455). */
  static final short SLOW_CONSUMER = 4001;
  /** Close code for a peer that did not answer a ping in time. */
  static final short NO_PONG = 4002;
  /** Close code for a connection whose token expired. */
  static final short TOKEN_EXPIRED = 4003;
  static final short GOING_AWAY = 1001;
  static final short MESSAGE_TOO_BIG = 1009;
  private static final String OPS = "subscribe, unsubscribe, publish, ping, work, complete, fail or heartbeat";

  private final ServerWebSocket socket;
  private final Context context;
  private final Broker broker;
  private final Authorizer authorizer;
  private final Caller caller;
  private final Limits limits;
  /** Whom this connection's publishes count against: its token's subject, or its address. */
  private final String rateKey;
  private final int maxBufferedBytes;
  private final Consumer<WsConnection> onClose;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final Outbox<ByteBuf> outbox;
  private final PipelineWriter frames;
  private final WsWorker worker;
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean pongSincePing = true;
  private long expiryTimer = -1;

  /**
   * @param connection the HTTP connection {@code socket} was upgraded from, whose channel it goes on using
   * @throws IllegalStateException if frames cannot be written below Vert.x on this connection ({@link PipelineWriter#below})
   */
  WsConnection(ServerWebSocket socket, HttpConnection connection, Context context, OutboxDrainer drainer, Broker broker, Jobs jobs,
      Duration defaultLease, int maxBufferedBytes, boolean tcpNoDelay, Authorizer authorizer, Caller caller, Limits limits,
      Consumer<WsConnection> onClose) {
    this.socket = socket;
    this.limits = limits;
    this.rateKey = PublishRate.keyOf(caller.subject(), socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress());
    this.authorizer = authorizer;
    this.caller = caller;
    this.worker = new WsWorker(context, jobs, defaultLease, this::send, queue -> authorizer.checkWork(caller, queue));
    this.context = context;
    this.broker = broker;
    this.maxBufferedBytes = maxBufferedBytes;
    this.onClose = onClose;
    this.outbox = new Outbox<>(drainer, maxBufferedBytes, ByteBuf::readableBytes, new Outbox.Sink<>() {
      @Override
      public void write(List<ByteBuf> queued) {
        if (isOpen()) {
          for (int i = 0; i < queued.size(); i++) {
            frames.write(queued.get(i).retainedDuplicate());
          }
          frames.flush();
        }
      }

      @Override
      public boolean isFull() {
        return !frames.isWritable();
      }
    }, () -> subscriptions.values().forEach(Subscription::resumeDelivery));
    this.frames = PipelineWriter.below(connection, WebSocketFrameEncoder.class, outbox::writableAgain, tcpNoDelay);
    // The channel's water marks, which are what the frame writer's backpressure is.
    socket.setWriteQueueMaxSize(outbox.socketQueueBytes());
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(binary -> send(WsFrames.error(Optional.empty(), 400, "send JSON in text frames, not binary frames")));
    socket.pongHandler(pong -> pongSincePing = true);
    socket.closeHandler(ignored -> release());
    socket.exceptionHandler(this::onFailure);
    caller.millisToExpiry(System.currentTimeMillis()).ifPresent(untilExpiry -> expiryTimer = context.owner().setTimer(untilExpiry,
        id -> close(TOKEN_EXPIRED, "the token expired; reconnect with a fresh one and subscribe with after to resume")));
  }

  /**
   * A message over the size limit (in one frame or many) surfaces here as a failure of the
   * WebSocket: it is refused with 1009, as the protocol says, rather than dropped in silence.
   */
  private void onFailure(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (message.contains("overflow") || message.contains("Max frame length")) {
      close(MESSAGE_TOO_BIG, "message too big: publish data of at most max-message-size");
    } else {
      log.debug("WebSocket failed: {}", failure.toString());
    }
  }

  /** Sends a ping, or closes the connection if the last ping got no pong; runs on the event loop. */
  void ping() {
    if (closed.get()) {
      return;
    }
    if (!pongSincePing) {
      close(NO_PONG, "no pong to the last ping: the peer is presumed gone");
      return;
    }
    pongSincePing = false;
    socket.writePing(io.vertx.core.buffer.Buffer.buffer("sb"));
  }

  /** Closes for a server shutdown; runs on the event loop. */
  void shutdown() {
    close(GOING_AWAY, "the server is shutting down; reconnect and subscribe with after to resume");
  }

  private void onText(String text) {
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text);
    } catch (InvalidInputException invalid) {
      send(WsFrames.error(Optional.empty(), 400, invalid.getMessage()));
      return;
    }
    try {
      switch (frame.op()) {
        case "subscribe" -> subscribe(frame);
        case "unsubscribe" -> unsubscribe(frame);
        case "publish" -> publish(frame);
        case "ping" -> send(WsFrames.pong(frame.ref()));
        case "work" -> worker.work(frame);
        case "complete" -> worker.complete(frame);
        case "fail" -> worker.fail(frame);
        case "heartbeat" -> worker.heartbeat(frame);
        case "" -> throw new InvalidInputException("the frame has no \"op\"; use " + OPS);
        default -> throw new InvalidInputException("unknown op " + InvalidInputException.quote(frame.op()) + "; use " + OPS);
      }
    } catch (InvalidInputException invalid) {
      send(WsFrames.error(frame.ref(), 400, invalid.getMessage()));
    } catch (MessageTooLargeException tooLarge) {
      send(WsFrames.error(frame.ref(), 413, tooLarge.getMessage()));
    } catch (AccessDeniedException denied) {
      send(WsFrames.denied(frame.ref(), denied));
    } catch (RateLimitedException limited) {
      send(WsFrames.error(frame.ref(), 429, limited.getMessage()));
    }
  }

  private void subscribe(ClientFrame frame) {
    String channel = frame.requiredText("channel");
    ChannelPattern pattern = ChannelPattern.of(channel);
    authorizer.checkSubscribe(caller, pattern);
    if (subscriptions.containsKey(channel)) {
      send(WsFrames.error(frame.ref(), 409, "already subscribed to " + channel + "; unsubscribe first to start again"));
      return;
    }
    if (subscriptions.size() >= limits.maxSubscriptions()) {
      send(WsFrames.error(frame.ref(), 429, "at most " + limits.maxSubscriptions()
          + " subscriptions per connection (limits.subscriptions-per-connection)"));
      return;
    }
    SubscriptionStart start = startOf(frame, pattern);
    Subscription subscription = broker.subscribe(List.of(pattern), start, WsHandler.TRANSPORT, new Listener(channel));
    subscriptions.put(channel, subscription);
    frame.ref().ifPresent(ref -> send(WsFrames.ack(frame.ref(), Optional.empty())));
  }

  /**
   * {@code after} is a message id for a channel, and for a pattern either a stream cursor (as
   * {@code /v1/subscribe} issues) or an object of channel to message id, with an optional
   * {@code since} (epoch milliseconds) for channels the object does not name.
   */
  static SubscriptionStart startOf(ClientFrame frame, ChannelPattern pattern) {
    Optional<JsonNode> after = frame.field("after");
    Optional<String> from = frame.optionalText("from");
    if (after.isPresent() && from.isPresent()) {
      throw new InvalidInputException("give either after or from, not both");
    }
    if (after.isEmpty()) {
      return switch (from.orElse("latest")) {
        case "earliest" -> SubscriptionStart.earliest();
        case "latest" -> SubscriptionStart.latest();
        default -> throw new InvalidInputException("\"from\" must be earliest or latest");
      };
    }
    JsonNode position = after.get();
    if (!pattern.hasWildcards()) {
      if (!position.isTextual()) {
        throw new InvalidInputException("\"after\" of a channel must be a message id (a string)");
      }
      ChannelName channel = ChannelName.of(pattern.value());
      return SubscriptionStart.after(channel, Cursor.parse(position.asText(), channel));
    }
    if (position.isTextual()) {
      return SubscriptionStart.resume(StreamCursor.parse(position.asText()));
    }
    if (!position.isObject() || position.size() > StreamCursor.MAX_CHANNELS) {
      throw new InvalidInputException("\"after\" of a pattern must be a stream cursor or an object of at most "
          + StreamCursor.MAX_CHANNELS + " channels to message ids");
    }
    Map<ChannelName, Cursor> positions = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = position.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      ChannelName channel = ChannelName.of(entry.getKey());
      if (!entry.getValue().isTextual()) {
        throw new InvalidInputException("\"after\"." + channel + " must be a message id (a string)");
      }
      positions.put(channel, Cursor.parse(entry.getValue().asText(), channel));
    }
    long since = SubscriptionStart.NOW;
    Optional<JsonNode> sinceField = frame.field("since");
    if (sinceField.isPresent()) {
      // canConvertToLong first: asLong wraps a number beyond a long around (2^64 + 5 would be 5).
      if (!sinceField.get().canConvertToLong() || !sinceField.get().canConvertToExactIntegral() || sinceField.get().asLong() < 0) {
        throw new InvalidInputException("\"since\" must be a time in epoch milliseconds");
      }
      since = sinceField.get().asLong();
    }
    return new SubscriptionStart(positions, since);
  }

  private void unsubscribe(ClientFrame frame) {
    String channel = frame.requiredText("channel");
    Subscription subscription = subscriptions.remove(channel);
    if (subscription == null) {
      send(WsFrames.error(frame.ref(), 404, "not subscribed to " + InvalidInputException.quote(channel)));
      return;
    }
    subscription.close();
    frame.ref().ifPresent(ref -> send(WsFrames.ack(frame.ref(), Optional.empty())));
  }

  private void publish(ClientFrame frame) {
    ChannelName channel = ChannelName.of(frame.requiredText("channel"));
    authorizer.checkPublish(caller, channel);
    limits.publishRate().take(rateKey);
    Publication publication = new Publication(frame.requiredText("data"), frame.optionalText("event"), frame.optionalText("idempotencyKey"));
    Optional<String> ref = frame.ref();
    broker.publish(channel, publication).whenComplete((appended, failure) -> {
      String answer = failure == null ? WsFrames.ack(ref, Optional.of(appended.message().id())) : publishError(ref, failure);
      if (Vertx.currentContext() == context) {
        // Stored at once: answer before the client's next frame is read, keeping answers in order.
        send(answer);
      } else {
        context.runOnContext(ignored -> send(answer));
      }
    });
  }

  private static String publishError(Optional<String> ref, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof InvalidInputException invalid) {
      return WsFrames.error(ref, 400, invalid.getMessage());
    }
    if (cause instanceof IdempotencyConflictException conflict) {
      return WsFrames.error(ref, 422, conflict.getMessage());
    }
    if (cause instanceof EngineException) {
      return WsFrames.error(ref, 503, "the storage engine cannot store this message now; retry later");
    }
    log.error("publish over WebSocket failed", cause);
    return WsFrames.error(ref, 500, "the server failed to handle this publish; it has been logged");
  }

  /** Writes a frame now; runs on the event loop. */
  private void send(String frame) {
    if (isOpen()) {
      frames.write(WsFrames.frame(frame));
      frames.flush();
    }
  }

  /**
   * Whether text frames may still be written: not once either side has sent its close frame, which
   * Vert.x would refuse its own writes after too.
   */
  private boolean isOpen() {
    return !closed.get() && !socket.isClosed();
  }

  /** Queues a frame from any thread; the event loop writes it. */
  private void enqueue(ByteBuf frame) {
    if (!closed.get() && !outbox.add(frame)) {
      context.runOnContext(ignored -> close(SLOW_CONSUMER, "slow consumer: more than " + maxBufferedBytes
          + " bytes waited to be sent; reconnect and subscribe with after to resume"));
    }
  }

  private void close(short code, String reason) {
    if (closed.get()) {
      return;
    }
    release();
    socket.close(code, reason);
  }

  /** Ends every subscription and forgets the connection, once. */
  private void release() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    context.owner().cancelTimer(expiryTimer);
    subscriptions.values().forEach(Subscription::close);
    subscriptions.clear();
    worker.close();
    outbox.close();
    frames.close();
    onClose.accept(this);
  }

  /** The limits one connection is held to. */
  record Limits(PublishRate publishRate, int maxSubscriptions) {}

  /** Feeds one subscription of this connection into its outbox. */
  private final class Listener implements SubscriptionListener {
    private final String channel;

    Listener(String channel) {
      this.channel = channel;
    }

    @Override
    public void onMessage(Delivery delivery) {
      enqueue(delivery.encoded(WsFrames.MESSAGE));
    }

    @Override
    public boolean isBackedUp() {
      return outbox.isBackedUp();
    }

    @Override
    public void onTruncated(ChannelName truncatedChannel, Cursor earliest) {
      enqueue(WsFrames.frame(WsFrames.truncated(truncatedChannel, earliest)));
    }

    @Override
    public void onClosed(End why) {
      context.runOnContext(ignored -> {
        if (why == End.SERVER_SHUTDOWN) {
          shutdown();
        } else {
          subscriptions.remove(channel);
          send(WsFrames.error(Optional.empty(), 503, "the subscription to " + channel
              + " ended: the storage engine failed; subscribe again with after to resume"));
        }
      });
    }
  }
}

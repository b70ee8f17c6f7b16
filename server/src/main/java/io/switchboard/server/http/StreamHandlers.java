package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.StartPosition;
import io.switchboard.server.outbound.OutboxDrainer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Server-Sent Events: a channel's own stream ({@code GET /v1/channels/{channel}/messages} with
 * {@code Accept: text/event-stream}), the stream of several channels and patterns
 * ({@code GET /v1/subscribe}) and a session's ({@code GET /v1/sessions/{id}/messages}). One instance per event loop; it also sends the heartbeats of the
 * streams on its event loop.
 */
final class StreamHandlers {
  static final String TRANSPORT = "sse";
  static final String LAST_EVENT_ID = "Last-Event-ID";
  /** The most channels and patterns one {@code /v1/subscribe} request may name. */
  static final int MAX_PATTERNS = 64;

  private final OutboxDrainer drainer;
  private final Broker broker;
  private final Clock clock;
  private final int maxBufferedBytes;
  private final long retryMillis;
  private final boolean tcpNoDelay;
  private final Set<SseStream> open = ConcurrentHashMap.newKeySet();

  /** @param tcpNoDelay whether event streams send each write at once ({@code push.tcp-nodelay}) */
  StreamHandlers(Vertx vertx, OutboxDrainer drainer, Broker broker, Clock clock, int maxBufferedBytes, boolean tcpNoDelay, long retryMillis,
      long heartbeatMillis) {
    this.drainer = drainer;
    this.broker = broker;
    this.clock = clock;
    this.maxBufferedBytes = maxBufferedBytes;
    this.retryMillis = retryMillis;
    this.tcpNoDelay = tcpNoDelay;
    vertx.setPeriodic(heartbeatMillis, id -> open.forEach(SseStream::heartbeat));
  }

  static boolean wantsEventStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }

  /** A channel's own stream: data as published, ids are the channel's cursors. */
  void channelStream(RoutingContext ctx, ChannelName channel, QueryParameters query) {
    SubscriptionStart start = channelStart(ctx, channel, query);
    openStream(ctx, List.of(ChannelPattern.of(channel.value())), start, /* streamCursor= */ null, ended -> {});
  }

  /** Several channels and patterns in one stream: data is the message as JSON, ids are stream cursors. */
  void subscribeStream(RoutingContext ctx, List<ChannelPattern> patterns, QueryParameters query) {
    StreamCursor position = streamStart(ctx, query);
    SubscriptionStart start = position.positions().isEmpty() && position.since() == SubscriptionStart.NOW
        ? SubscriptionStart.latest()
        : SubscriptionStart.resume(position);
    StreamCursor initial = position.since() == SubscriptionStart.NOW ? StreamCursor.since(clock.millis()) : position;
    openStream(ctx, patterns, start, initial, ended -> {});
  }

  /**
   * A session's stream: like {@code /v1/subscribe}'s, from the session's position; {@code onEnd}
   * runs once the stream has ended for any reason.
   */
  SseStream sessionStream(RoutingContext ctx, List<ChannelPattern> patterns, StreamCursor position, Consumer<SseStream> onEnd) {
    return openStream(ctx, patterns, SubscriptionStart.resume(position), position, onEnd);
  }

  /** The patterns of a {@code /v1/subscribe} request: every {@code channel} parameter. */
  static List<ChannelPattern> patterns(RoutingContext ctx) {
    List<String> given = ctx.queryParam("channel");
    if (given.isEmpty()) {
      throw new InvalidInputException("name at least one channel or pattern: /v1/subscribe?channel=orders.42&channel=chat.*");
    }
    if (given.size() > MAX_PATTERNS) {
      throw new InvalidInputException("at most " + MAX_PATTERNS + " channels and patterns per subscription, not " + given.size());
    }
    return given.stream().distinct().map(ChannelPattern::of).toList();
  }

  /**
   * Where a {@code /v1/subscribe} request starts: after a stream cursor (the Last-Event-ID a
   * browser sends on reconnect wins over {@code after}), at the earliest retained messages
   * ({@code since} 0), or now (a cursor whose {@code since} is {@link SubscriptionStart#NOW}).
   */
  static StreamCursor streamStart(RoutingContext ctx, QueryParameters query) {
    Optional<String> resume = Optional.ofNullable(ctx.request().getHeader(LAST_EVENT_ID)).or(() -> query.text("after"));
    Optional<String> from = query.text("from");
    if (resume.isPresent()) {
      if (from.isPresent() && query.text("after").isPresent()) {
        throw new InvalidInputException("give either after or from, not both");
      }
      return StreamCursor.parse(resume.get());
    }
    return switch (from.orElse("latest")) {
      case "earliest" -> StreamCursor.since(0);
      case "latest" -> StreamCursor.since(SubscriptionStart.NOW);
      default -> throw new InvalidInputException("query parameter from=" + InvalidInputException.quote(from.get()) + " must be earliest or latest");
    };
  }

  /** As a read would start, except that the Last-Event-ID a browser sends on reconnect wins. */
  private static SubscriptionStart channelStart(RoutingContext ctx, ChannelName channel, QueryParameters query) {
    StartPosition asRead = ChannelHandlers.startPosition(query, channel);
    String lastEventId = ctx.request().getHeader(LAST_EVENT_ID);
    return lastEventId != null
        ? SubscriptionStart.after(channel, Cursor.parse(lastEventId, channel))
        : SubscriptionStart.of(channel, asRead);
  }

  private SseStream openStream(RoutingContext ctx, List<ChannelPattern> patterns, SubscriptionStart start, StreamCursor streamCursor,
      Consumer<SseStream> onEnd) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no");
    Context context = Vertx.currentContext();
    SseStream[] opened = new SseStream[1];
    Runnable cancelExpiry = Access.atExpiry(ctx, () -> opened[0].endWith(SseFormats.TOKEN_EXPIRED, SseFormats.TOKEN_EXPIRED_DETAIL));
    SseStream stream = new SseStream(context, drainer, response, ctx.request().connection(), maxBufferedBytes, tcpNoDelay,
        SseFormats.opening(retryMillis), streamCursor, ended -> {
      cancelExpiry.run();
      open.remove(ended);
      onEnd.accept(ended);
    });
    opened[0] = stream;
    open.add(stream);
    Subscription subscription = broker.subscribe(patterns, start, TRANSPORT, stream);
    stream.attach(subscription);
    return stream;
  }
}

package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.PendingRead;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.StartPosition;
import io.switchboard.server.limits.PublishRate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Request-response, short polling and long polling on channels: the HTTP adapter of the
 * {@link Broker}. Each method parses and validates one request, calls the broker and answers
 * through {@link Answers}; it never blocks the event loop.
 */
final class ChannelHandlers {
  static final int DEFAULT_LIMIT = 100;
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

  private final Broker broker;
  private final StreamHandlers streams;
  private final Authorizer authorizer;
  private final PublishRate publishRate;

  ChannelHandlers(Broker broker, StreamHandlers streams, Authorizer authorizer, PublishRate publishRate) {
    this.broker = broker;
    this.streams = streams;
    this.authorizer = authorizer;
    this.publishRate = publishRate;
  }

  /** {@code POST /v1/channels/{channel}/messages}, through the router. */
  void publish(RoutingContext ctx) {
    publish(ctx.request(), Access.caller(ctx), ChannelName.of(ctx.pathParam("channel")), QueryParameters.of(ctx), ctx.body().buffer());
  }

  /**
   * {@code POST /v1/channels/{channel}/messages}, once the request's caller and body are known; how
   * {@link HttpTransport} serves most publishes, without the router.
   */
  void publish(HttpServerRequest request, Caller caller, ChannelName channel, QueryParameters query, Buffer body) {
    authorizer.checkPublish(caller, channel);
    if (publishRate.limits()) {
      publishRate.take(PublishRate.keyOf(caller.subject(), request.remoteAddress().hostAddress()));
    }
    Publication publication = new Publication(
        TextBodies.utf8(body, "the message body"),
        query.text("event"),
        Optional.ofNullable(request.getHeader(IDEMPOTENCY_KEY)));
    Answers.when(request, broker.publish(channel, publication), appended -> {
      if (appended.replayed()) {
        request.response().putHeader(IDEMPOTENT_REPLAYED, "true");
      }
      Answers.json(request.response(), 201, JsonBodies.published(appended));
    });
  }

  /**
   * {@code GET /v1/channels/{channel}/messages}: at once, held with {@code wait}, or as an event
   * stream when the client accepts one.
   */
  void read(RoutingContext ctx) {
    ChannelName channel = ChannelName.of(ctx.pathParam("channel"));
    authorizer.checkSubscribe(Access.caller(ctx), ChannelPattern.of(channel.value()));
    QueryParameters query = QueryParameters.of(ctx);
    if (StreamHandlers.wantsEventStream(ctx)) {
      streams.channelStream(ctx, channel, query);
      return;
    }
    StartPosition from = startPosition(query, channel);
    int limit = query.integer("limit", 1, Broker.MAX_LIMIT).orElse(DEFAULT_LIMIT);
    Optional<Integer> wait = query.integer("wait", 1, (int) Broker.MAX_WAIT.toSeconds());
    if (wait.isEmpty()) {
      Answers.when(ctx, broker.read(channel, from, limit), result -> Answers.json(ctx, 200, JsonBodies.readResult(result)));
      return;
    }
    PendingRead pending = broker.await(channel, from, limit, Access.heldAtMost(ctx, Duration.ofSeconds(wait.get())));
    ctx.response().closeHandler(closed -> pending.cancel());
    Answers.when(ctx, pending.result(), result -> Answers.json(ctx, 200, JsonBodies.readResult(result)));
  }

  /** {@code DELETE /v1/channels/{channel}}: removes what the channel retains; administrators only. */
  void purge(RoutingContext ctx) {
    ChannelName channel = ChannelName.of(ctx.pathParam("channel"));
    authorizer.checkAdmin(Access.caller(ctx));
    Answers.when(ctx, broker.purge(channel), removed -> Answers.json(ctx, 200, JsonBodies.purged(channel, removed)));
  }

  /** {@code GET /v1/channels}. */
  void list(RoutingContext ctx) {
    authorizer.checkAdmin(Access.caller(ctx));
    QueryParameters query = QueryParameters.of(ctx);
    Optional<ChannelName> after = query.text("after").map(ChannelName::of);
    int limit = query.integer("limit", 1, Broker.MAX_LIMIT).orElse(DEFAULT_LIMIT);
    Answers.when(ctx, broker.list(after, limit), page -> Answers.json(ctx, 200, JsonBodies.channelPage(page)));
  }

  /** {@code GET /v1/channels/{channel}}. */
  void describe(RoutingContext ctx) {
    ChannelName channel = ChannelName.of(ctx.pathParam("channel"));
    Caller caller = Access.caller(ctx);
    if (!caller.grants().admin()) {
      authorizer.checkSubscribe(caller, ChannelPattern.of(channel.value()));
    }
    Answers.when(ctx, broker.describe(channel), status -> {
      if (status.isPresent()) {
        Answers.json(ctx, 200, JsonBodies.channelStatus(status.get()));
      } else {
        Problems.send(ctx.response(), 404, "channel " + channel + " has no retained messages and no subscribers");
      }
    });
  }

  /** Where a read of {@code channel} starts: after=, from=earliest, or (the default) from=latest. */
  static StartPosition startPosition(QueryParameters query, ChannelName channel) {
    Optional<String> after = query.text("after");
    Optional<String> from = query.text("from");
    if (after.isPresent() && from.isPresent()) {
      throw new InvalidInputException("give either after or from, not both");
    }
    if (after.isPresent()) {
      return StartPosition.after(Cursor.parse(after.get(), channel));
    }
    return switch (from.orElse("latest")) {
      case "earliest" -> StartPosition.earliest();
      case "latest" -> StartPosition.latest();
      default -> throw new InvalidInputException("query parameter from=" + InvalidInputException.quote(from.get()) + " must be earliest or latest");
    };
  }
}

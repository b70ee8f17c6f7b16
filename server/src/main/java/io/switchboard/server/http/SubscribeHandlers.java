package io.switchboard.server.http;

import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.ChannelStatus;
import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/subscribe?channel=...&channel=...}: several channels and patterns with one
 * cursor, as an event stream ({@code Accept: text/event-stream}), a short poll, or a long poll
 * ({@code wait=}).
 */
final class SubscribeHandlers {
  static final String POLL = "poll";

  private final Broker broker;
  private final StreamHandlers streams;
  private final Clock clock;
  private final Authorizer authorizer;

  SubscribeHandlers(Broker broker, StreamHandlers streams, Clock clock, Authorizer authorizer) {
    this.broker = broker;
    this.streams = streams;
    this.clock = clock;
    this.authorizer = authorizer;
  }

  void subscribe(RoutingContext ctx) {
    List<ChannelPattern> patterns = StreamHandlers.patterns(ctx);
    authorizer.checkSubscribe(Access.caller(ctx), patterns);
    QueryParameters query = QueryParameters.of(ctx);
    if (StreamHandlers.wantsEventStream(ctx)) {
      streams.subscribeStream(ctx, patterns, query);
      return;
    }
    StreamCursor position = StreamHandlers.streamStart(ctx, query);
    boolean fromNow = position.positions().isEmpty() && position.since() == SubscriptionStart.NOW;
    StreamCursor start = fromNow ? StreamCursor.since(clock.millis()) : position;
    poll(ctx, patterns, start, fromNow ? SubscriptionStart.latest() : SubscriptionStart.resume(position), query);
  }

  /**
   * A short or long poll (with {@code wait}) of {@code patterns}, answered with the messages after
   * {@code start} and the cursor after them.
   */
  void poll(RoutingContext ctx, List<ChannelPattern> patterns, StreamCursor start, SubscriptionStart subscriptionStart,
      QueryParameters query) {
    int limit = query.integer("limit", 1, Broker.MAX_LIMIT).orElse(ChannelHandlers.DEFAULT_LIMIT);
    Optional<Integer> wait = query.integer("wait", 1, (int) Broker.MAX_WAIT.toSeconds());

    Context context = Vertx.currentContext();
    long[] timer = {-1};
    SubscribePoll poll = new SubscribePoll(start, limit, wait.isPresent(), page -> context.runOnContext(ignored -> {
      if (timer[0] >= 0) {
        context.owner().cancelTimer(timer[0]);
      }
      if (page.engineFailed()) {
        Problems.send(ctx.response(), 503, "the storage engine cannot serve this request now; retry later");
      } else {
        Answers.json(ctx, 200, JsonBodies.subscribePage(page));
      }
    }));
    if (wait.isPresent()) {
      timer[0] = context.owner().setTimer(Access.heldAtMost(ctx, Duration.ofSeconds(wait.get())).toMillis(), id -> poll.expire());
      ctx.response().closeHandler(closed -> poll.expire());
    }
    String transport = wait.isPresent() ? ChannelStatus.LONG_POLL : POLL;
    Subscription subscription = broker.subscribe(patterns, subscriptionStart, transport, poll);
    poll.attach(subscription);
  }
}

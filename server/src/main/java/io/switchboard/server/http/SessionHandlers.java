package io.switchboard.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.session.Session;
import io.switchboard.core.session.Sessions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Stateful sessions: {@code POST /v1/sessions}, {@code GET|DELETE /v1/sessions/{id}},
 * {@code GET /v1/sessions/{id}/messages} (short poll, long poll with {@code wait}, or an event
 * stream) and {@code POST /v1/sessions/{id}/ack}.
 *
 * <p>A read starts at the session's acknowledged position, so what a client has not acknowledged
 * it reads again (at least once). It acknowledges with {@code POST .../ack}, with {@code ack=CURSOR}
 * on its next read, or, on an event stream, with the {@code Last-Event-ID} its browser sends when
 * it reconnects.
 *
 * <p>A session belongs to the subject whose token created it; every use of it is checked against
 * the caller's current grants before anything about the session changes.
 */
final class SessionHandlers {
  private static final Set<String> CREATE_FIELDS = Set.of("channels");
  private static final Set<String> ACK_FIELDS = Set.of("id");

  private final Sessions sessions;
  private final SubscribeHandlers polls;
  private final StreamHandlers streams;
  private final long touchStreamsEveryMillis;
  private final Authorizer authorizer;
  /** Open event streams by session id, shared by every event loop's handlers, so DELETE ends them all. */
  private final Map<String, Set<SseStream>> openStreams;

  SessionHandlers(Sessions sessions, SubscribeHandlers polls, StreamHandlers streams, long touchStreamsEveryMillis,
      Map<String, Set<SseStream>> openStreams, Authorizer authorizer) {
    this.sessions = sessions;
    this.authorizer = authorizer;
    this.polls = polls;
    this.streams = streams;
    this.touchStreamsEveryMillis = touchStreamsEveryMillis;
    this.openStreams = openStreams;
  }

  void create(RoutingContext ctx) {
    JsonNode body = JsonRequests.object(ctx, CREATE_FIELDS);
    JsonNode channels = body.get("channels");
    if (channels == null || !channels.isArray()) {
      throw new InvalidInputException("field \"channels\" must be a list of channels and patterns, e.g. {\"channels\":[\"orders.42\",\"chat.*\"]}");
    }
    List<ChannelPattern> patterns = new ArrayList<>();
    for (JsonNode channel : channels) {
      if (!channel.isTextual()) {
        throw new InvalidInputException("field \"channels\" must hold only strings, not " + channel);
      }
      patterns.add(ChannelPattern.of(channel.asText()));
    }
    Caller caller = Access.caller(ctx);
    authorizer.checkSubscribe(caller, patterns);
    Answers.when(ctx, sessions.create(patterns, caller.owner()), session -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/v1/sessions/" + session.id());
      Answers.json(ctx, 201, JsonBodies.session(session));
    });
  }

  void describe(RoutingContext ctx) {
    withSession(ctx, permitted(ctx), session -> Answers.json(ctx, 200, JsonBodies.session(session)));
  }

  void messages(RoutingContext ctx) {
    QueryParameters query = QueryParameters.of(ctx);
    boolean stream = StreamHandlers.wantsEventStream(ctx);
    Optional<String> acknowledged = stream
        ? Optional.ofNullable(ctx.request().getHeader(StreamHandlers.LAST_EVENT_ID)).or(() -> query.text("ack"))
        : query.text("ack");
    Optional<StreamCursor> acknowledging = acknowledged.map(StreamCursor::parse);
    CompletionStage<Optional<Session>> found = acknowledging.isPresent()
        ? permittedThen(ctx, () -> sessions.acknowledge(id(ctx), acknowledging.get()))
        : permitted(ctx);
    withSession(ctx, found, session -> {
      if (stream) {
        openStream(ctx, session);
      } else {
        polls.poll(ctx, session.patterns(), session.position(), SubscriptionStart.resume(session.position()), query);
      }
    });
  }

  void acknowledge(RoutingContext ctx) {
    StreamCursor cursor = StreamCursor.parse(JsonRequests.text(JsonRequests.object(ctx, ACK_FIELDS), "id"));
    withSession(ctx, permittedThen(ctx, () -> sessions.acknowledge(id(ctx), cursor)), session -> ctx.response().setStatusCode(204).end());
  }

  void delete(RoutingContext ctx) {
    CompletionStage<Boolean> deleting = permitted(ctx).thenCompose(session -> session.isPresent()
        ? sessions.delete(id(ctx))
        : CompletableFuture.completedFuture(false));
    Answers.when(ctx, deleting, deleted -> {
      if (deleted) {
        Set<SseStream> streaming = openStreams.remove(id(ctx));
        if (streaming != null) {
          streaming.forEach(stream -> stream.endWith(SseFormats.SESSION_ENDED, "the session was deleted"));
        }
        ctx.response().setStatusCode(204).end();
      } else {
        notFound(ctx);
      }
    });
  }

  /**
   * A stream keeps its session from expiring: it records a use now and then while open. When the
   * session is gone (deleted, here or on another node) the stream ends with
   * {@code switchboard.session-ended}.
   */
  private void openStream(RoutingContext ctx, Session session) {
    Vertx vertx = ctx.vertx();
    Context context = vertx.getOrCreateContext();
    long[] timer = {-1};
    Consumer<SseStream> release = ended -> {
      vertx.cancelTimer(timer[0]);
      openStreams.computeIfPresent(session.id(), (id, streaming) -> {
        streaming.remove(ended);
        return streaming.isEmpty() ? null : streaming;
      });
    };
    SseStream stream = streams.sessionStream(ctx, session.patterns(), session.position(), release);
    openStreams.computeIfAbsent(session.id(), id -> ConcurrentHashMap.newKeySet()).add(stream);
    timer[0] = vertx.setPeriodic(touchStreamsEveryMillis, id -> sessions.use(session.id()).whenComplete((found, failed) -> {
      if (failed == null && found.isEmpty()) {
        context.runOnContext(ignored -> stream.endWith(SseFormats.SESSION_ENDED, "the session was deleted or has expired"));
      }
    }));
    if (stream.hasEnded()) {
      // It ended before it was registered (the client was already gone): undo the registration.
      release.accept(stream);
    }
  }

  /** The session, once the caller is allowed to use it; fails with the refusal otherwise. */
  private CompletionStage<Optional<Session>> permitted(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    return sessions.use(id(ctx)).thenApply(session -> {
      session.ifPresent(found -> authorizer.checkSession(caller, found));
      return session;
    });
  }

  /** {@code change} runs only once the caller is allowed to use the session, so a refused caller changes nothing. */
  private CompletionStage<Optional<Session>> permittedThen(RoutingContext ctx, Supplier<CompletionStage<Optional<Session>>> change) {
    if (!authorizer.isEnabled()) {
      return change.get();
    }
    return permitted(ctx).thenCompose(session -> session.isPresent() ? change.get() : CompletableFuture.completedFuture(session));
  }

  private static void withSession(RoutingContext ctx, CompletionStage<Optional<Session>> found, Consumer<Session> onFound) {
    Answers.when(ctx, found, session -> {
      if (session.isPresent()) {
        onFound.accept(session.get());
      } else {
        notFound(ctx);
      }
    });
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private static void notFound(RoutingContext ctx) {
    Problems.send(ctx.response(), 404, "there is no session " + InvalidInputException.quote(id(ctx))
        + "; it was deleted, expired after being idle, or never existed: create one with POST /v1/sessions");
  }
}

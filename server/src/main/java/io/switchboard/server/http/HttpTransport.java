package io.switchboard.server.http;

import io.netty.handler.codec.TooLongFrameException;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.session.Sessions;
import io.switchboard.server.auth.TokenVerifier;
import io.switchboard.server.config.Settings;
import io.switchboard.server.limits.ConnectionCounts;
import io.switchboard.server.limits.PublishRate;
import io.switchboard.server.metrics.ServerMetrics;
import io.switchboard.server.outbound.OutboxDrainer;
import io.switchboard.server.ws.WsHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The HTTP transport: routes of the API v1 contract for request-response, short polling and long
 * polling, event streams, sessions, jobs, health, and the problem answers for everything that does not fit them (unknown paths,
 * wrong methods, oversized bodies, malformed requests).
 */
public final class HttpTransport {
  /** Paths of the API and the methods each allows, for {@code 405} answers and their Allow header. */
  private static final Map<Pattern, List<HttpMethod>> ALLOWED = Map.ofEntries(
      Map.entry(Pattern.compile("/v1/channels/[^/]+/messages/?"), List.of(HttpMethod.GET, HttpMethod.POST)),
      Map.entry(Pattern.compile("/v1/channels/[^/]+/?"), List.of(HttpMethod.GET, HttpMethod.DELETE)),
      Map.entry(Pattern.compile("/v1/channels/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/subscribe/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/ws/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/sessions/?"), List.of(HttpMethod.POST)),
      Map.entry(Pattern.compile("/v1/sessions/[^/]+/?"), List.of(HttpMethod.GET, HttpMethod.DELETE)),
      Map.entry(Pattern.compile("/v1/sessions/[^/]+/messages/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/sessions/[^/]+/ack/?"), List.of(HttpMethod.POST)),
      Map.entry(Pattern.compile("/v1/queues/[^/]+/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/queues/[^/]+/(jobs|claim)/?"), List.of(HttpMethod.POST)),
      Map.entry(Pattern.compile("/v1/jobs/[^/]+/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/v1/jobs/[^/]+/(complete|fail|heartbeat)/?"), List.of(HttpMethod.POST)),
      Map.entry(Pattern.compile("/health/(live|ready)/?"), List.of(HttpMethod.GET)),
      Map.entry(Pattern.compile("/metrics/?"), List.of(HttpMethod.GET)));

  /** Session requests carry up to 64 patterns or one stream cursor: a few kilobytes at most. */
  private static final int SESSION_BODY_LIMIT = 64 * 1024;

  private final Broker broker;
  private final Sessions sessions;
  private final Jobs jobs;
  private final Settings settings;
  private final int maxMessageSize;
  private final BooleanSupplier stopping;
  private final Access access;
  private final ConnectionCounts connectionCounts;
  private final PublishRate publishRate;
  private final ServerMetrics metrics;
  private final List<WsHandler> webSocketHandlers = new CopyOnWriteArrayList<>();
  private final Map<String, Set<SseStream>> sessionStreams = new ConcurrentHashMap<>();
  private final List<JobStreams> jobStreams = new CopyOnWriteArrayList<>();

  /**
   * @param stopping true once a graceful shutdown has begun: new requests are then answered 503
   */
  public HttpTransport(Broker broker, Sessions sessions, Jobs jobs, Settings settings, Authorizer authorizer,
      Optional<TokenVerifier> verifier, PublishRate publishRate, ConnectionCounts connectionCounts, ServerMetrics metrics,
      BooleanSupplier stopping) {
    this.broker = broker;
    this.sessions = sessions;
    this.jobs = jobs;
    this.settings = settings;
    this.maxMessageSize = settings.maxMessageSize();
    this.stopping = stopping;
    this.access = new Access(authorizer, verifier, settings.auth());
    this.connectionCounts = connectionCounts;
    this.publishRate = publishRate;
    this.metrics = metrics;
  }

  /** Serves the API on {@code server}, one of the event loops' servers; call once per server, before it listens. */
  public void serve(Vertx vertx, HttpServer server) {
    ConnectionGuard guard = new ConnectionGuard(vertx, connectionCounts, metrics, settings.limits().requestTimeout());
    server.connectionHandler(guard::opened)
        .requestHandler(requestHandler(vertx, guard))
        .invalidRequestHandler(HttpTransport::invalidRequest);
  }

  /** The routes for one event loop: most publishes served directly, everything else by the router. */
  private Handler<HttpServerRequest> requestHandler(Vertx vertx, ConnectionGuard guard) {
    Clock clock = Clock.systemUTC();
    // The event streams and WebSockets of this event loop share one drainer, so that a publish
    // reaching both kinds of subscribers costs the event loop one pass.
    OutboxDrainer drainer = new OutboxDrainer(vertx.getOrCreateContext());
    StreamHandlers streams = new StreamHandlers(vertx, drainer, broker, clock, settings.effectiveOutboundBuffer(),
        settings.pushTcpNoDelay(), settings.sseRetry().toMillis(), settings.sseHeartbeat().toMillis());
    Authorizer authorizer = access.authorizer();
    ChannelHandlers channels = new ChannelHandlers(broker, streams, authorizer, publishRate);
    SubscribeHandlers subscribe = new SubscribeHandlers(broker, streams, clock, authorizer);
    SessionHandlers sessionHandlers = new SessionHandlers(sessions, subscribe, streams, sessionTouchInterval(), sessionStreams, authorizer);
    WsHandler webSockets = new WsHandler(vertx, drainer, broker, jobs, settings.jobs().lease(), settings.effectiveOutboundBuffer(),
        settings.pushTcpNoDelay(), settings.wsPingInterval().toMillis(), authorizer, publishRate, settings.limits().subscriptionsPerConnection());
    webSocketHandlers.add(webSockets);
    JobStreams jobEvents = new JobStreams(vertx, jobs, settings.sseRetry().toMillis(), settings.sseHeartbeat().toMillis());
    jobStreams.add(jobEvents);
    JobHandlers jobHandlers = new JobHandlers(jobs, settings.jobs(), jobEvents, authorizer);
    Router router = Router.router(vertx);
    // One handler in front of the routes rather than one each: every handler is a dispatch per request.
    // With CORS, identifying the caller waits until after it, so that a 401 carries the CORS headers a
    // browser needs to read it.
    boolean cors = !settings.corsOrigins().isEmpty();
    router.route().handler(ctx -> {
      if (guard.admit(ctx) && !refusedWhileStopping(ctx.request())) {
        if (!cors) {
          access.identify(ctx);
        }
        ctx.next();
      }
    });
    if (cors) {
      router.route().handler(cors(settings.corsOrigins()));
      router.route().handler(ctx -> {
        access.identify(ctx);
        ctx.next();
      });
    }
    router.post("/v1/channels/:channel/messages")
        .handler(BodyHandler.create(false).setBodyLimit(maxMessageSize))
        .handler(channels::publish);
    router.get("/v1/channels/:channel/messages").handler(channels::read);
    router.get("/v1/channels/:channel").handler(channels::describe);
    router.delete("/v1/channels/:channel").handler(channels::purge);
    router.get("/v1/channels").handler(channels::list);
    router.get("/v1/subscribe").handler(subscribe::subscribe);
    router.post("/v1/sessions").handler(BodyHandler.create(false).setBodyLimit(SESSION_BODY_LIMIT)).handler(sessionHandlers::create);
    router.get("/v1/sessions/:id").handler(sessionHandlers::describe);
    router.delete("/v1/sessions/:id").handler(sessionHandlers::delete);
    router.get("/v1/sessions/:id/messages").handler(sessionHandlers::messages);
    router.post("/v1/sessions/:id/ack").handler(BodyHandler.create(false).setBodyLimit(SESSION_BODY_LIMIT)).handler(sessionHandlers::acknowledge);
    router.post("/v1/queues/:queue/jobs").handler(BodyHandler.create(false).setBodyLimit(maxMessageSize)).handler(jobHandlers::submit);
    router.get("/v1/queues/:queue").handler(jobHandlers::counts);
    router.post("/v1/queues/:queue/claim").handler(jobHandlers::claim);
    router.get("/v1/jobs/:id").handler(jobHandlers::status);
    router.post("/v1/jobs/:id/complete").handler(BodyHandler.create(false).setBodyLimit(maxMessageSize)).handler(jobHandlers::complete);
    router.post("/v1/jobs/:id/fail").handler(BodyHandler.create(false).setBodyLimit(maxMessageSize)).handler(jobHandlers::fail);
    router.post("/v1/jobs/:id/heartbeat").handler(jobHandlers::heartbeat);
    router.get("/v1/ws").handler(ctx -> webSockets.upgrade(ctx, Access.caller(ctx), (status, detail) -> Problems.send(ctx.response(), status, detail)));
    router.get("/health/live").handler(ctx -> Answers.json(ctx, 200, JsonBodies.status("live")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> {
      authorizer.checkAdmin(Access.caller(ctx));
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    });
    router.route().failureHandler(this::onFailure);
    router.errorHandler(404, ctx -> Problems.send(ctx.response(), 404, "there is no endpoint at " + ctx.request().path() + "; see docs/api.md"));
    router.errorHandler(405, this::methodNotAllowed);
    // The router answers 400 itself when the path is not valid percent-encoding.
    router.errorHandler(400, ctx -> Problems.send(ctx.response(), 400, "the request URL is not valid percent-encoding"));
    router.errorHandler(500, this::onFailure);
    DirectPublish publishes = new DirectPublish(guard, access, channels, maxMessageSize, cors, this::refusedWhileStopping);
    return request -> {
      if (!publishes.serve(request)) {
        router.handle(request);
      }
    };
  }

  /** A session stream records a use this often, well within the idle timeout. */
  private long sessionTouchInterval() {
    return Math.max(1_000, Math.min(settings.sessionIdleTimeout().toMillis() / 4, 60_000));
  }

  /** Closes every WebSocket with 1001 (going away), also those without subscriptions; for shutdown. */
  public void closeWebSockets() {
    webSocketHandlers.forEach(WsHandler::closeAll);
  }

  /** Ends every job event stream with {@code switchboard.shutdown}; for shutdown. */
  public void endJobStreams() {
    jobStreams.forEach(JobStreams::endAll);
  }

  /** Answers requests Vert.x could not even parse: over-long lines or headers, broken syntax. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String detail = "the request is not valid HTTP";
    if (cause instanceof TooLongFrameException tooLong) {
      boolean line = tooLong.getMessage() != null && tooLong.getMessage().contains("line");
      status = line ? 414 : 431;
      detail = line ? "the request line (method and URL) is too long" : "the request headers are too large";
    }
    Problems.sendAndClose(request, status, detail);
  }

  private static CorsHandler cors(List<String> origins) {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Content-Type", ChannelHandlers.IDEMPOTENCY_KEY, StreamHandlers.LAST_EVENT_ID, "Authorization",
            JobHandlers.LEASE_HEADER, JobHandlers.PREFER))
        .exposedHeaders(Set.of(ChannelHandlers.IDEMPOTENT_REPLAYED, "Retry-After", "Location", JobHandlers.PREFERENCE_APPLIED))
        .maxAgeSeconds(600);
    if (!origins.contains("*")) {
      // Only named origins may send the token cookie; browsers refuse credentials with a wildcard origin.
      cors.addOrigins(origins).allowCredentials(true);
    }
    return cors;
  }

  /** Answers 503 once a graceful shutdown has begun; returns whether it did. */
  private boolean refusedWhileStopping(HttpServerRequest request) {
    if (stopping.getAsBoolean()) {
      request.response().putHeader("Retry-After", "1");
      Problems.sendAndClose(request, 503, "the server is shutting down; retry on another node or in a moment");
      return true;
    }
    return false;
  }

  private void ready(RoutingContext ctx) {
    if (broker.isReady()) {
      Answers.json(ctx, 200, JsonBodies.status("ready"));
    } else {
      Problems.send(ctx.response(), 503, "the server is not ready: its engine is not available or it is shutting down");
    }
  }

  private void onFailure(RoutingContext ctx) {
    if (ctx.statusCode() == 403) {
      // The CORS handler refuses an origin it was not configured for this way.
      Problems.send(ctx.response(), 403, "requests from origin " + InvalidInputException.quote(ctx.request().getHeader("Origin"))
          + " are not allowed; see cors.origins in docs/configuration.md");
      return;
    }
    if (ctx.failure() != null) {
      Answers.fail(ctx, ctx.failure());
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String detail = switch (status) {
      case 413 -> tooLargeDetail(ctx.request().path());
      case 400 -> "the request is malformed";
      case 404 -> "there is no endpoint at " + ctx.request().path() + "; see docs/api.md";
      case 405 -> methodNotAllowedDetail(ctx);
      default -> "the request failed";
    };
    Problems.send(ctx.response(), status, detail);
  }

  private String tooLargeDetail(String path) {
    if (path.startsWith("/v1/sessions")) {
      return "the request body is larger than the maximum of " + SESSION_BODY_LIMIT + " bytes";
    }
    if (path.startsWith("/v1/queues") || path.startsWith("/v1/jobs")) {
      return "the body is larger than the maximum of " + maxMessageSize + " bytes (max-message-size); nothing was stored";
    }
    return "the message body is larger than the maximum of " + maxMessageSize + " bytes; nothing was stored";
  }

  private void methodNotAllowed(RoutingContext ctx) {
    Problems.send(ctx.response(), 405, methodNotAllowedDetail(ctx));
  }

  private static String methodNotAllowedDetail(RoutingContext ctx) {
    String path = ctx.request().path();
    List<String> allowed = ALLOWED.entrySet().stream()
        .filter(entry -> entry.getKey().matcher(path).matches())
        .findFirst()
        .map(entry -> entry.getValue().stream().map(HttpMethod::name).toList())
        .orElse(List.of());
    if (!allowed.isEmpty()) {
      ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
    }
    return "method " + ctx.request().method().name() + " is not allowed on " + path
        + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed));
  }
}

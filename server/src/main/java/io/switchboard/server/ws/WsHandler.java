package io.switchboard.server.ws;

import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.server.limits.PublishRate;
import io.switchboard.server.outbound.OutboxDrainer;
import java.time.Duration;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/ws}: upgrades to the WebSocket protocol of the API. One instance per event
 * loop; it pings the connections on its event loop so that dead peers are found and released.
 */
public final class WsHandler {
  private static final Logger log = LoggerFactory.getLogger(WsHandler.class);
  static final String TRANSPORT = "ws";
  /** Close code of RFC 6455 for a server that cannot go on. */
  private static final short INTERNAL_ERROR = 1011;

  private final OutboxDrainer drainer;
  private final Broker broker;
  private final Jobs jobs;
  private final Duration defaultLease;
  private final int maxBufferedBytes;
  private final Authorizer authorizer;
  private final PublishRate publishRate;
  private final int maxSubscriptions;
  private final boolean tcpNoDelay;
  private final Set<WsConnection> open = ConcurrentHashMap.newKeySet();
  private final Context context;

  /** @param tcpNoDelay whether WebSockets send each write at once ({@code push.tcp-nodelay}) */
  public WsHandler(Vertx vertx, OutboxDrainer drainer, Broker broker, Jobs jobs, Duration defaultLease, int maxBufferedBytes,
      boolean tcpNoDelay, long pingMillis, Authorizer authorizer, PublishRate publishRate, int maxSubscriptions) {
    this.tcpNoDelay = tcpNoDelay;
    this.drainer = drainer;
    this.broker = broker;
    this.authorizer = authorizer;
    this.publishRate = publishRate;
    this.maxSubscriptions = maxSubscriptions;
    this.jobs = jobs;
    this.defaultLease = defaultLease;
    this.maxBufferedBytes = maxBufferedBytes;
    this.context = vertx.getOrCreateContext();
    vertx.setPeriodic(pingMillis, id -> open.forEach(WsConnection::ping));
  }

  /** Closes every connection of this event loop with 1001; any thread. */
  public void closeAll() {
    context.runOnContext(ignored -> open.forEach(WsConnection::shutdown));
  }

  /**
   * Upgrades for {@code caller}, whose token (if any) was verified before; a caller without a token
   * is refused when anonymous callers may do nothing at all.
   *
   * @param refuse answers a request that is not a WebSocket upgrade (status, detail)
   */
  public void upgrade(RoutingContext ctx, Caller caller, BiConsumer<Integer, String> refuse) {
    if (authorizer.isEnabled() && !caller.authenticated() && caller.grants().isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
      refuse.accept(401, "a token is needed to open a WebSocket on this server; send it as Authorization: Bearer, in the cookie, "
          + "or as access_token= in the URL");
      return;
    }
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().putHeader("Upgrade", "websocket");
      refuse.accept(426, "GET /v1/ws is a WebSocket endpoint: connect with a WebSocket client");
      return;
    }
    Context context = Vertx.currentContext();
    HttpConnection connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(socket -> {
      try {
        open.add(new WsConnection(socket, connection, context, drainer, broker, jobs, defaultLease, maxBufferedBytes, tcpNoDelay,
            authorizer, caller, new WsConnection.Limits(publishRate, maxSubscriptions), open::remove));
      } catch (IllegalStateException unsupported) {
        log.error("cannot serve a WebSocket on this connection", unsupported);
        socket.close(INTERNAL_ERROR, "the server cannot serve WebSockets; it has been logged");
      }
    });
  }
}

package io.switchboard.server.ws;

import io.switchboard.core.broker.Broker;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.server.outbound.OutboxDrainer;
import java.time.Duration;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * {@code GET /v1/ws}: upgrades to the WebSocket protocol of the API. One instance per event
 * loop; it pings the connections on its event loop so that dead peers are found and released.
 */
public final class WsHandler {
  static final String TRANSPORT = "ws";

  private final OutboxDrainer drainer;
  private final Broker broker;
  private final Jobs jobs;
  private final Duration defaultLease;
  private final int maxBufferedBytes;
  private final Set<WsConnection> open = ConcurrentHashMap.newKeySet();
  private final Context context;

  public WsHandler(Vertx vertx, OutboxDrainer drainer, Broker broker, Jobs jobs, Duration defaultLease, int maxBufferedBytes,
      long pingMillis) {
    this.drainer = drainer;
    this.broker = broker;
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
   * @param refuse answers a request that is not a WebSocket upgrade (status, detail)
   */
  public void upgrade(RoutingContext ctx, BiConsumer<Integer, String> refuse) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().putHeader("Upgrade", "websocket");
      refuse.accept(426, "GET /v1/ws is a WebSocket endpoint: connect with a WebSocket client");
      return;
    }
    Context context = Vertx.currentContext();
    ctx.request().toWebSocket().onSuccess(socket -> open.add(new WsConnection(socket, context, drainer, broker, jobs, defaultLease, maxBufferedBytes, open::remove)));
  }
}

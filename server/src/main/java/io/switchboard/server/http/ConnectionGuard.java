package io.switchboard.server.http;

import io.switchboard.server.limits.ConnectionCounts;
import io.switchboard.server.metrics.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Guards the connections of one event loop: counts them against {@code limits.connections} and
 * {@code limits.connections-per-address} (a connection over a limit gets 429 to whatever it asks,
 * and is closed), and closes those that take longer than {@code limits.request-timeout} to send a
 * request: a head trickled in byte by byte (slowloris), a body that never finishes, or nothing at
 * all on a kept-alive connection between requests. Streams and WebSockets, once their request is
 * in, are not affected.
 *
 * <p>One sweep per event loop finds the late connections, so a request costs a map lookup and two
 * field writes rather than a timer.
 *
 * <p>Threads: everything runs on the event loop; a connection stays on the loop that accepted it.
 */
final class ConnectionGuard {
  private final ConnectionCounts counts;
  private final ServerMetrics metrics;
  private final long timeoutMillis;
  private final Map<HttpConnection, Tracked> connections = new HashMap<>();

  ConnectionGuard(Vertx vertx, ConnectionCounts counts, ServerMetrics metrics, Duration requestTimeout) {
    this.counts = counts;
    this.metrics = metrics;
    this.timeoutMillis = requestTimeout.toMillis();
    vertx.setPeriodic(Math.max(50, Math.min(1_000, timeoutMillis / 4)), id -> closeLate(System.currentTimeMillis()));
  }

  /** The server's connection handler. */
  void opened(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    Tracked tracked = new Tracked(counts.opened(address), System.currentTimeMillis());
    connections.put(connection, tracked);
    connection.closeHandler(closed -> {
      connections.remove(connection);
      counts.closed(address);
    });
  }

  /**
   * A request has arrived, whole or with its body still coming; called first for every request.
   *
   * @return false when it has been answered (the connection is over a limit)
   */
  boolean admit(RoutingContext ctx) {
    return admit(ctx.request(), answered -> ctx.addEndHandler(ended -> answered.run()));
  }

  /** As {@link #admit(RoutingContext)}, for requests served without the router. */
  boolean admit(HttpServerRequest request) {
    return admit(request, answered -> request.response().endHandler(ended -> answered.run()));
  }

  /** @param atEnd registers what runs once the answer has been sent, by the router's means or the response's own */
  private boolean admit(HttpServerRequest request, Consumer<Runnable> atEnd) {
    Tracked tracked = connections.get(request.connection());
    if (tracked == null) {
      return true;
    }
    tracked.inFlight++;
    tracked.waitingSince = 0;
    tracked.bodyPending = request.isEnded() ? null : request;
    tracked.bodySince = System.currentTimeMillis();
    atEnd.accept(() -> {
      metrics.answered(request.response().getStatusCode());
      tracked.inFlight--;
      tracked.bodyPending = null;
      if (tracked.inFlight == 0) {
        tracked.waitingSince = System.currentTimeMillis();
      }
    });
    if (tracked.refusal != null) {
      request.response().putHeader("Retry-After", "1");
      Problems.sendAndClose(request, 429, tracked.refusal + "; try again later");
      return false;
    }
    return true;
  }

  private void closeLate(long now) {
    List<HttpConnection> late = new ArrayList<>();
    connections.forEach((connection, tracked) -> {
      if (tracked.waitingSince > 0 && now - tracked.waitingSince > timeoutMillis) {
        late.add(connection);
      } else if (tracked.bodyPending != null && now - tracked.bodySince > timeoutMillis) {
        HttpServerRequest slow = tracked.bodyPending;
        tracked.bodyPending = null;
        if (!slow.isEnded()) {
          Problems.sendAndClose(slow, 408, "the request body did not arrive within limits.request-timeout (" + timeoutMillis + " ms)");
        }
      }
    });
    late.forEach(HttpConnection::close);
  }

  /** What is known of one connection. */
  private static final class Tracked {
    /** Why the connection is over a limit, or null. */
    final String refusal;
    int inFlight;
    /** When it began waiting for a request head; 0 while a request is in flight. */
    long waitingSince;
    HttpServerRequest bodyPending;
    long bodySince;

    Tracked(String refusal, long openedAt) {
      this.refusal = refusal;
      this.waitingSince = openedAt;
    }
  }
}

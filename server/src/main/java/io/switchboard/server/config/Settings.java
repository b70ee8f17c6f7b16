package io.switchboard.server.config;

import io.switchboard.core.retention.RetentionRules;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server needs to start, resolved from flags, environment and config file.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param dataDir where durable engines keep their files
 * @param engine the engine name ({@code embedded}, {@code memory})
 * @param maxMessageSize the largest accepted message body, in bytes
 * @param retention retention per channel pattern
 * @param idempotencyWindow how long an {@code Idempotency-Key} is remembered
 * @param idempotencyMaxKeys at most this many keys are remembered per channel
 * @param shutdownTimeout how long a graceful shutdown waits for requests in flight
 * @param sseHeartbeat how often an idle event stream gets a comment line, so proxies keep it open
 * @param sseRetry the reconnection delay an event stream asks browsers to use
 * @param outboundBuffer bytes a connection may have waiting to be sent before it counts as a
 *     slow consumer and is closed (at least twice the largest message, whatever is configured)
 * @param corsOrigins origins browsers may call from ({@code *} for any); empty: no CORS headers
 * @param wsPingInterval how often WebSocket peers are pinged; one without a pong by the next ping is closed
 * @param syncInterval zero to sync each publish to disk before answering it (concurrent publishes
 *     share a sync), else how often a durable engine syncs
 * @param sessionIdleTimeout how long a session lives without being used
 * @param jobs how jobs and their callbacks behave
 * @param auth how callers authenticate, and what anonymous callers may do
 * @param tls the certificate and key for HTTPS, when it is on
 * @param limits what one client may take of the server
 * @param pushTcpNoDelay whether event streams and WebSockets send each write at once (TCP_NODELAY),
 *     rather than let the kernel hold a connection's small writes until the last is acknowledged
 */
public record Settings(
    String host,
    int port,
    Path dataDir,
    String engine,
    int maxMessageSize,
    RetentionRules retention,
    Duration idempotencyWindow,
    int idempotencyMaxKeys,
    Duration shutdownTimeout,
    Duration sseHeartbeat,
    Duration sseRetry,
    int outboundBuffer,
    java.util.List<String> corsOrigins,
    Duration wsPingInterval,
    Duration syncInterval,
    Duration sessionIdleTimeout,
    JobsConfig jobs,
    AuthConfig auth,
    TlsConfig tls,
    LimitsConfig limits,
    boolean pushTcpNoDelay) {

  public Settings {
    corsOrigins = java.util.List.copyOf(corsOrigins);
  }

  /**
   * The largest WebSocket message accepted: a publish frame with the largest data, JSON-escaped
   * (up to 6 characters per byte, as in {@code \u0001}), plus room for the other fields.
   */
  public int maxWebSocketMessageSize() {
    return (int) Math.min(Integer.MAX_VALUE, 6L * maxMessageSize + 64 * 1024);
  }

  /** The outbound buffer in force: the setting, but never less than two of the largest messages. */
  public int effectiveOutboundBuffer() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(outboundBuffer, 2L * maxMessageSize + 64 * 1024));
  }

  /** The documented defaults, for tests and embedding; the CLI goes through {@link SettingsLoader}. */
  public static Settings defaults() {
    return SettingsLoader.load(java.util.Map.of(), java.util.Map.of());
  }

  public Settings withPort(int newPort) {
    return new Settings(host, newPort, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withRetention(RetentionRules newRetention) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, newRetention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withMaxMessageSize(int newMaxMessageSize) {
    return new Settings(host, port, dataDir, engine, newMaxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withShutdownTimeout(Duration newShutdownTimeout) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, newShutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withSseHeartbeat(Duration newSseHeartbeat) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, newSseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withOutboundBuffer(int newOutboundBuffer) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, newOutboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withCorsOrigins(java.util.List<String> newCorsOrigins) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, newCorsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withEngine(String newEngine, Path newDataDir) {
    return new Settings(host, port, newDataDir, newEngine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withSyncInterval(Duration newSyncInterval) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, newSyncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withSessionIdleTimeout(Duration newSessionIdleTimeout) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, newSessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withWsPingInterval(Duration newWsPingInterval) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, newWsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withAuth(AuthConfig newAuth) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, newAuth, tls, limits, pushTcpNoDelay);
  }

  public Settings withTls(TlsConfig newTls) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, newTls, limits, pushTcpNoDelay);
  }

  public Settings withLimits(LimitsConfig newLimits) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, newLimits, pushTcpNoDelay);
  }

  public Settings withJobs(JobsConfig newJobs) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, newJobs, auth, tls, limits, pushTcpNoDelay);
  }

  public Settings withPushTcpNoDelay(boolean newPushTcpNoDelay) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout, sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs, auth, tls, limits, newPushTcpNoDelay);
  }
}

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
 * @param engine the engine name ({@code memory})
 * @param maxMessageSize the largest accepted message body, in bytes
 * @param retention retention per channel pattern
 * @param idempotencyWindow how long an {@code Idempotency-Key} is remembered
 * @param idempotencyMaxKeys at most this many keys are remembered per channel
 * @param shutdownTimeout how long a graceful shutdown waits for requests in flight
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
    Duration shutdownTimeout) {

  /** The documented defaults, for tests and embedding; the CLI goes through {@link SettingsLoader}. */
  public static Settings defaults() {
    return SettingsLoader.load(java.util.Map.of(), java.util.Map.of());
  }

  public Settings withPort(int newPort) {
    return new Settings(host, newPort, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout);
  }

  public Settings withRetention(RetentionRules newRetention) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, newRetention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout);
  }

  public Settings withMaxMessageSize(int newMaxMessageSize) {
    return new Settings(host, port, dataDir, engine, newMaxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout);
  }

  public Settings withShutdownTimeout(Duration newShutdownTimeout) {
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, newShutdownTimeout);
  }
}

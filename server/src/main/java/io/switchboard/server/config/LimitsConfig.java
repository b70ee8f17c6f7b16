package io.switchboard.server.config;

import java.time.Duration;

/**
 * What one client may take of the server. Zero means no limit where the documentation says so.
 *
 * @param connections open connections in total; beyond it new connections are answered 429 and closed (0: none)
 * @param connectionsPerAddress open connections from one client address (0: none)
 * @param subscriptionsPerConnection channels and patterns one WebSocket may subscribe to
 * @param publishRate publishes per second per token subject, or per client address without a token (0: none)
 * @param urlSize the longest request line (method, URL and version), in bytes
 * @param headerSize the most bytes of request headers
 * @param requestTimeout how long a connection may take to send a complete request, head and body,
 *     counted from when it connected or its previous answer ended
 */
public record LimitsConfig(
    int connections,
    int connectionsPerAddress,
    int subscriptionsPerConnection,
    int publishRate,
    int urlSize,
    int headerSize,
    Duration requestTimeout) {

  public LimitsConfig withConnections(int total, int perAddress) {
    return new LimitsConfig(total, perAddress, subscriptionsPerConnection, publishRate, urlSize, headerSize, requestTimeout);
  }

  public LimitsConfig withSubscriptionsPerConnection(int subscriptions) {
    return new LimitsConfig(connections, connectionsPerAddress, subscriptions, publishRate, urlSize, headerSize, requestTimeout);
  }

  public LimitsConfig withPublishRate(int perSecond) {
    return new LimitsConfig(connections, connectionsPerAddress, subscriptionsPerConnection, perSecond, urlSize, headerSize, requestTimeout);
  }

  public LimitsConfig withSizes(int newUrlSize, int newHeaderSize) {
    return new LimitsConfig(connections, connectionsPerAddress, subscriptionsPerConnection, publishRate, newUrlSize, newHeaderSize, requestTimeout);
  }

  public LimitsConfig withRequestTimeout(Duration timeout) {
    return new LimitsConfig(connections, connectionsPerAddress, subscriptionsPerConnection, publishRate, urlSize, headerSize, timeout);
  }
}

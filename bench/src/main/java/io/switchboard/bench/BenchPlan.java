package io.switchboard.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What one run of {@link PublishBench} does, checked when it is made: a load generator must only
 * ever aim at this machine and must stop by itself, so the target is a loopback address and every
 * count and duration has an upper bound.
 *
 * @param server the server's base URL, {@code http://HOST:PORT} with a loopback HOST
 * @param publishers concurrent publishers, each with one connection and one request in flight
 * @param channels channels the publishers are spread over (publisher i publishes to channel i mod K)
 * @param messageSize bytes of each message body
 * @param warmup how long publishers run before anything is counted
 * @param duration how long the counted part runs
 * @param eventLoops event-loop threads of the generator
 */
record BenchPlan(URI server, int publishers, int channels, int messageSize, Duration warmup, Duration duration,
    int eventLoops) {
  static final int MAX_PUBLISHERS = 4_096;
  static final int MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
  static final Duration MAX_WARMUP = Duration.ofMinutes(10);
  static final Duration MAX_DURATION = Duration.ofHours(1);
  static final int MAX_EVENT_LOOPS = 64;

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  BenchPlan {
    requireLoopbackHttp(server);
    requireWithin("--publishers", publishers, 1, MAX_PUBLISHERS);
    requireWithin("--channels", channels, 1, publishers);
    requireWithin("--size", messageSize, 0, MAX_MESSAGE_SIZE);
    requireWithin("--warmup", warmup, Duration.ZERO, MAX_WARMUP);
    requireWithin("--duration", duration, Duration.ofSeconds(1), MAX_DURATION);
    requireWithin("--event-loops", eventLoops, 1, MAX_EVENT_LOOPS);
  }

  String host() {
    return server.getHost();
  }

  int port() {
    return server.getPort() == -1 ? 80 : server.getPort();
  }

  /** The path publisher {@code index} posts to: channels {@code bench.0} … {@code bench.K-1}. */
  String publishPath(int index) {
    return "/v1/channels/bench." + (index % channels) + "/messages";
  }

  private static void requireLoopbackHttp(URI server) {
    if (!"http".equals(server.getScheme()) || server.getHost() == null
        || !(server.getRawPath() == null || server.getRawPath().isEmpty() || server.getRawPath().equals("/"))
        || server.getRawQuery() != null) {
      throw new IllegalArgumentException("--url \"" + server + "\" is not of the form http://HOST:PORT");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(server.getHost());
    } catch (UnknownHostException unknown) {
      throw new IllegalArgumentException("--url \"" + server + "\": unknown host " + server.getHost(), unknown);
    }
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException("--url \"" + server + "\": " + address.getHostAddress()
          + " is not a loopback address; the benchmark only loads servers on this machine");
    }
  }

  private static void requireWithin(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + " " + value + " is outside " + min + ".." + max);
    }
  }

  private static void requireWithin(String option, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(option + " " + value.toSeconds() + " s is outside "
          + min.toSeconds() + ".." + max.toSeconds() + " s");
    }
  }
}

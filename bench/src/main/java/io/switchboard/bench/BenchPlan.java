package io.switchboard.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What every bench run has, checked when it is made: a load generator must only ever aim at this
 * machine and must stop by itself, so the target is a loopback address and every count and
 * duration has an upper bound. {@link PublishPlan} and {@link JobsPlan} add what their bench needs.
 *
 * @param server the server's base URL, {@code http://HOST:PORT} with a loopback HOST
 * @param target the server's URL conventions: Switchboard's or a peer's
 * @param bodySize bytes of each message or job body
 * @param warmup how long the clients run before anything is counted
 * @param duration how long the counted part runs
 * @param eventLoops event-loop threads of the generator
 */
record BenchPlan(URI server, Target target, int bodySize, Duration warmup, Duration duration, int eventLoops) {
  static final int MAX_BODY_SIZE = 64 * 1024 * 1024;
  static final Duration MAX_WARMUP = Duration.ofMinutes(10);
  static final Duration MAX_DURATION = Duration.ofHours(1);
  static final int MAX_EVENT_LOOPS = 64;

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  BenchPlan {
    requireLoopbackHttp(server);
    requireWithin("--size", bodySize, 0, MAX_BODY_SIZE);
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

  /** The window of a run that starts now: warm-up, then the counted part. */
  MeasurementWindow windowFromNow() {
    return MeasurementWindow.startingAt(System.nanoTime(), warmup, duration);
  }

  /** @throws IllegalArgumentException naming the option, its value and the range it is outside */
  static void requireWithin(String option, int value, int min, int max) {
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
}

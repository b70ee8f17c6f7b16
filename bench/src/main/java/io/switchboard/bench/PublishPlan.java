package io.switchboard.bench;

/**
 * What one run of {@link PublishBench} does, checked when it is made.
 *
 * @param bench the target, message size, timing and threads
 * @param publishers concurrent publishers, each with one connection and one request in flight
 * @param channels channels the publishers are spread over (publisher i publishes to channel i mod K)
 */
record PublishPlan(BenchPlan bench, int publishers, int channels) {
  static final int MAX_PUBLISHERS = 4_096;

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  PublishPlan {
    BenchPlan.requireWithin("--publishers", publishers, 1, MAX_PUBLISHERS);
    BenchPlan.requireWithin("--channels", channels, 1, publishers);
  }

  /** The path publisher {@code index} posts to: channels {@code bench0} … {@code bench(K-1)}. */
  String publishPath(int index) {
    return bench.target().publishPath(channel(index % channels));
  }

  /** Publisher {@code index}'s channel: a name both Switchboard and Nchan ({@code \\w+}) accept. */
  static String channel(int index) {
    return "bench" + index;
  }
}

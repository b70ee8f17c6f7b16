package io.switchboard.bench;

/**
 * The subscriber side of a subscriber bench, checked when it is made: how many subscribers, on how
 * many channels, over which transport, against which target's conventions.
 *
 * @param bench the server, message size, timing and threads
 * @param target the server's conventions
 * @param via the transport every subscriber uses
 * @param subscribers how many subscribers, each with its own connection
 * @param channels channels {@code bench0} … {@code benchK-1}; subscriber i is on channel i mod K
 * @param connectsInFlight at most this many subscribers are opening at a time, so that a run of
 *     thousands does not overflow the server's accept queue
 */
record SubscriberPlan(BenchPlan bench, Target target, Via via, int subscribers, int channels, int connectsInFlight) {
  static final int MAX_SUBSCRIBERS = 100_000;
  static final int MAX_CONNECTS_IN_FLIGHT = 4_096;
  /** The longest event-stream line a subscriber reads beyond the message size: field names, server events. */
  private static final int LINE_ROOM = 64 * 1024;

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  SubscriberPlan {
    BenchPlan.requireWithin("--subscribers", subscribers, 1, MAX_SUBSCRIBERS);
    BenchPlan.requireWithin("--channels", channels, 1, subscribers);
    BenchPlan.requireWithin("--connects", connectsInFlight, 1, MAX_CONNECTS_IN_FLIGHT);
  }

  /** The name of channel {@code index}: {@code bench0}, {@code bench1} … (a name Nchan takes too). */
  String channelName(int index) {
    return "bench" + index;
  }

  int channelOf(int subscriber) {
    return subscriber % channels;
  }

  int maxLineBytes() {
    return bench.bodySize() + LINE_ROOM;
  }

  /** A new subscriber {@code index} of {@code group}, over this plan's transport. */
  Subscriber newSubscriber(SubscriberGroup group, int index) {
    return switch (via) {
      case SSE -> new SseSubscriber(group, channelOf(index));
      case WS -> new WsSubscriber(group, channelOf(index), index);
      case LONG_POLL -> new LongPollSubscriber(group, channelOf(index));
    };
  }
}

package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelPattern;
import java.util.List;

/** A live subscription to channels and patterns, created by {@link Broker#subscribe}. */
public interface Subscription {
  List<ChannelPattern> patterns();

  /**
   * Goes on delivering history after the listener said it was
   * {@linkplain SubscriptionListener#isBackedUp backed up}. Any thread; does nothing if nothing waits.
   */
  void resumeDelivery();

  /** Stops delivery and releases the subscription at once. Idempotent. */
  void close();
}

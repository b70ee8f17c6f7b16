package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Delivery;

/**
 * Receives what a {@link Subscription} delivers. Calls for one subscription never overlap and
 * come in channel order: for each channel, every message after the start position exactly once,
 * with a gap only where {@link #onTruncated} announces it.
 *
 * <p>Calls may come from an engine's thread, sometimes while it holds a channel's lock: a listener
 * must only hand the work over (enqueue a write) and return, never block.
 */
public interface SubscriptionListener {
  void onMessage(Delivery delivery);

  /**
   * Messages of {@code channel} between the subscription's position and {@code earliest} are no
   * longer retained (or the position came from an earlier incarnation of the channel); delivery
   * continues with the oldest retained message.
   */
  void onTruncated(ChannelName channel, Cursor earliest);

  /**
   * Whether the subscriber has enough waiting to be sent for now. While it says so, history is
   * not delivered; the subscriber calls {@link Subscription#resumeDelivery} once it has room.
   * Live messages are delivered regardless: a subscriber that cannot keep up with them is a slow
   * consumer, whose transport closes it. Called while the subscription holds its lock: must be
   * cheap and must not block.
   */
  default boolean isBackedUp() {
    return false;
  }

  /**
   * Everything the start position asked for from history has been delivered (or announced as
   * truncated); what follows is live. Called once, possibly before {@link Broker#subscribe}
   * returns. Polling transports answer here.
   */
  default void onCaughtUp() {}

  /** Why the broker closed a subscription its client did not close. */
  enum End {
    /** The server is shutting down: the client should resume elsewhere or later from its cursor. */
    SERVER_SHUTDOWN,
    /** The engine failed while reading history: the client should retry from its cursor. */
    ENGINE_FAILED
  }

  /** The broker closed the subscription; nothing more will be delivered. */
  void onClosed(End why);
}

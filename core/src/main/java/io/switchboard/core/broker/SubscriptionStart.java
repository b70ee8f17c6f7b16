package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.StartPosition;
import java.util.Map;

/**
 * Where a subscription starts: a known position for some channels, and for every other channel
 * either only what is published from now on, or what was stored since a time (0: everything
 * retained).
 *
 * @param positions resume each of these channels after its cursor
 * @param otherChannelsSince for channels not in {@code positions}: {@link #NOW} for only new
 *     messages, or epoch milliseconds from which retained messages are delivered
 */
public record SubscriptionStart(Map<ChannelName, Cursor> positions, long otherChannelsSince) {
  /** Only messages published after the subscription starts. */
  public static final long NOW = Long.MAX_VALUE;

  public SubscriptionStart {
    positions = Map.copyOf(positions);
    if (otherChannelsSince < 0) {
      throw new IllegalArgumentException("otherChannelsSince " + otherChannelsSince + " is negative");
    }
  }

  /** Only what is published from now on (the default of every transport). */
  public static SubscriptionStart latest() {
    return new SubscriptionStart(Map.of(), NOW);
  }

  /** Everything retained, then live. */
  public static SubscriptionStart earliest() {
    return new SubscriptionStart(Map.of(), 0);
  }

  /** One channel, after {@code cursor}; other channels matched later start from now. */
  public static SubscriptionStart after(ChannelName channel, Cursor cursor) {
    return new SubscriptionStart(Map.of(channel, cursor), NOW);
  }

  /** The subscription to one channel that starts where a read from {@code from} would. */
  public static SubscriptionStart of(ChannelName channel, StartPosition from) {
    if (from instanceof StartPosition.After after) {
      return after(channel, after.cursor());
    }
    return from instanceof StartPosition.Earliest ? earliest() : latest();
  }

  /** Where a stream of several channels left off. */
  public static SubscriptionStart resume(StreamCursor cursor) {
    return new SubscriptionStart(cursor.positions(), cursor.since());
  }

  boolean readsOtherChannels() {
    return otherChannelsSince != NOW;
  }
}

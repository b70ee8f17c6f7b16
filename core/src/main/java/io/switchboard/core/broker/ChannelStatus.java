package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.engine.ChannelInfo;
import java.util.Map;
import java.util.Optional;

/**
 * A channel as operators see it.
 *
 * @param name the channel
 * @param stored what the engine holds for it, if anything
 * @param subscribers live subscribers on this node by transport ({@value #LONG_POLL}, ...)
 */
public record ChannelStatus(ChannelName name, Optional<ChannelInfo> stored, Map<String, Integer> subscribers) {
  public static final String LONG_POLL = "long-poll";

  public ChannelStatus {
    subscribers = Map.copyOf(subscribers);
  }
}

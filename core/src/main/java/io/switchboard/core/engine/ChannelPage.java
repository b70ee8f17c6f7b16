package io.switchboard.core.engine;

import io.switchboard.core.channel.ChannelName;
import java.util.List;
import java.util.Optional;

/**
 * One page of the channel list.
 *
 * @param channels ordered by name
 * @param next the name to list after for the next page, when there may be more
 */
public record ChannelPage(List<ChannelInfo> channels, Optional<ChannelName> next) {
  public ChannelPage {
    channels = List.copyOf(channels);
  }
}

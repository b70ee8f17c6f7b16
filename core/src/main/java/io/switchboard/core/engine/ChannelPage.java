package io.switchboard.core.engine;

import io.switchboard.core.channel.ChannelName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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

  /**
   * The first {@code limit} of {@code ordered} (channels in name order), described; {@code next}
   * is set when more follow.
   */
  public static <T> ChannelPage of(Iterable<T> ordered, int limit, Function<T, ChannelInfo> describe) {
    List<ChannelInfo> page = new ArrayList<>();
    for (T channel : ordered) {
      if (page.size() == limit) {
        return new ChannelPage(page, Optional.of(page.get(page.size() - 1).name()));
      }
      page.add(describe.apply(channel));
    }
    return new ChannelPage(page, Optional.empty());
  }
}

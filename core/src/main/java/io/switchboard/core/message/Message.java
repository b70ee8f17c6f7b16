package io.switchboard.core.message;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored message.
 *
 * @param channel the channel it was published to
 * @param id its cursor: strictly increasing within the channel, usable as {@code after}
 * @param time when the engine stored it, epoch milliseconds
 * @param data UTF-8 text, at most the configured maximum size
 * @param event an optional type name (the SSE {@code event:} field)
 */
public record Message(ChannelName channel, Cursor id, long time, String data, Optional<String> event) {
  public Message {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(event, "event");
  }

  public long offset() {
    return id.offset();
  }
}

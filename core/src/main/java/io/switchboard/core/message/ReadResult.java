package io.switchboard.core.message;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One answer to a read.
 *
 * @param messages in channel order, possibly empty
 * @param next the position to read after next time: the id of the last message returned, or the
 *     requested position when nothing was returned
 * @param truncation present when the requested position was older than what retention still
 *     holds: messages between it and this earliest retained position are gone, and
 *     {@code messages} starts at the earliest retained one
 */
public record ReadResult(List<Message> messages, Cursor next, Optional<Cursor> truncation) {
  public ReadResult {
    messages = List.copyOf(messages);
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(truncation, "truncation");
  }

  public static ReadResult empty(Cursor next) {
    return new ReadResult(List.of(), next, Optional.empty());
  }

  /**
   * The answer for a channel that has no log: nothing, and a truncation when the cursor points
   * into a log that is gone (an earlier incarnation, or another engine's before a restart).
   */
  public static ReadResult ofMissingChannel(ChannelName channel, StartPosition from) {
    Cursor start = Cursor.start(channel, Cursor.ANY_EPOCH);
    if (from instanceof StartPosition.After after && after.cursor().offset() > 0) {
      return new ReadResult(List.of(), start, Optional.of(start));
    }
    return empty(start);
  }

  public boolean truncated() {
    return truncation.isPresent();
  }

  /** Whether this answer tells the client something: messages, or that history was lost. */
  public boolean hasNews() {
    return !messages.isEmpty() || truncation.isPresent();
  }
}

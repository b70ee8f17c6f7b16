package io.switchboard.core.channel;

import io.switchboard.core.InvalidInputException;
import java.util.Optional;

/**
 * A concrete channel name: 1 to 255 characters of dot-separated segments, each segment one or more
 * of {@code [A-Za-z0-9_-]} ({@code orders.42}, {@code chat.room-1}).
 */
public record ChannelName(String value) implements Comparable<ChannelName> {
  public static final int MAX_LENGTH = 255;
  /** Channels under this prefix carry the server's own events; only the server publishes to them. */
  public static final String RESERVED_PREFIX = "switchboard.";

  public ChannelName {
    Segments.check(value, "channel name", /* allowWildcards= */ false);
  }

  /**
   * Parses a name supplied by a client.
   *
   * @throws InvalidInputException naming the value and the rule it broke
   */
  public static ChannelName of(String value) {
    return new ChannelName(value);
  }

  /** Whether {@code value} is a valid channel name, without building one. */
  public static boolean isValid(String value) {
    return Segments.problem(value, /* allowWildcards= */ false) == null;
  }

  /** Why {@code value} is not a valid channel name, for names built on the same rules (queues). */
  public static Optional<String> problemWith(String value) {
    return Optional.ofNullable(Segments.problem(value, /* allowWildcards= */ false));
  }

  /** Whether only the server may publish here: the name starts with {@value #RESERVED_PREFIX}. */
  public boolean isReserved() {
    return value.startsWith(RESERVED_PREFIX);
  }

  @Override
  public int compareTo(ChannelName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

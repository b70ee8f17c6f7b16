package io.switchboard.core.channel;

import io.switchboard.core.InvalidInputException;

/**
 * A concrete channel name: 1 to 255 characters of dot-separated segments, each segment one or more
 * of {@code [A-Za-z0-9_-]} ({@code orders.42}, {@code chat.room-1}).
 */
public record ChannelName(String value) implements Comparable<ChannelName> {
  public static final int MAX_LENGTH = 255;

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

  @Override
  public int compareTo(ChannelName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

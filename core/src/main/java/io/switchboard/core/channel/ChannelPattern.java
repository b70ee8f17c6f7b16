package io.switchboard.core.channel;

import java.util.Arrays;

/**
 * A subscription pattern: a channel name whose segments may also be {@code *} (exactly one
 * segment) or, as the last segment only, {@code >} (one or more segments). A pattern without
 * wildcards matches exactly the channel of the same name.
 */
public final class ChannelPattern {
  private final String value;
  private final String[] segments;
  private final boolean tail;

  private ChannelPattern(String value) {
    Segments.check(value, "channel pattern", /* allowWildcards= */ true);
    this.value = value;
    this.tail = value.equals(">") || value.endsWith(".>");
    String[] all = value.split("\\.", -1);
    this.segments = tail ? Arrays.copyOf(all, all.length - 1) : all;
  }

  /**
   * Parses a pattern supplied by a client or a config file.
   *
   * @throws io.switchboard.core.InvalidInputException naming the value and the rule it broke
   */
  public static ChannelPattern of(String value) {
    return new ChannelPattern(value);
  }

  /** Whether this pattern uses {@code *} or {@code >}. */
  public boolean hasWildcards() {
    return tail || Arrays.asList(segments).contains("*");
  }

  public boolean matches(ChannelName channel) {
    String name = channel.value();
    int position = 0;
    for (String segment : segments) {
      if (position > name.length()) {
        return false;
      }
      int end = name.indexOf('.', position);
      if (end < 0) {
        end = name.length();
      }
      boolean literal = !segment.equals("*");
      if (literal && (segment.length() != end - position || !name.startsWith(segment, position))) {
        return false;
      }
      position = end + 1;
    }
    // position == name.length() + 1 means every segment of the name was consumed.
    return tail ? position <= name.length() : position == name.length() + 1;
  }

  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChannelPattern pattern && pattern.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}

package io.switchboard.core.auth;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.util.List;

/**
 * Whether a set of granted patterns covers every channel a wanted pattern can match: the rule that
 * keeps a grant on {@code orders.42} from allowing a subscription to {@code orders.*}.
 *
 * <p>The answer is exact, not merely safe. Channel segments come from an unbounded alphabet, so
 * for a fixed number of segments some channel matched by the wanted pattern carries, in each of
 * its wildcard positions, a segment that no grant names; the grant matching that channel covers
 * every channel of that length on its own. Coverage therefore only needs one grant per length, and
 * lengths beyond the longest grant behave like the first of them, where only {@code >} grants
 * still match.
 */
final class PatternCoverage {
  private PatternCoverage() {}

  static boolean covers(List<ChannelPattern> granted, ChannelPattern wanted) {
    Shape want = Shape.of(wanted);
    if (!want.tail) {
      return coversLength(granted, want, want.segments.length);
    }
    int longestGrant = 0;
    for (ChannelPattern grant : granted) {
      Shape shape = Shape.of(grant);
      longestGrant = Math.max(longestGrant, shape.segments.length + (shape.tail ? 1 : 0));
    }
    int last = Math.max(longestGrant, want.segments.length) + 1;
    int mostSegments = (ChannelName.MAX_LENGTH + 1) / 2;
    for (int length = want.segments.length + 1; length <= Math.min(last, mostSegments); length++) {
      if (!coversLength(granted, want, length)) {
        return false;
      }
    }
    return true;
  }

  static boolean matchesAny(List<ChannelPattern> granted, ChannelName channel) {
    for (ChannelPattern grant : granted) {
      if (grant.matches(channel)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one grant covers the channels of exactly {@code length} segments that {@code want} matches. */
  private static boolean coversLength(List<ChannelPattern> granted, Shape want, int length) {
    for (ChannelPattern grant : granted) {
      if (Shape.of(grant).coversLength(want, length)) {
        return true;
      }
    }
    return false;
  }

  /** A pattern as its fixed segments and whether a {@code >} follows them. */
  private record Shape(String[] segments, boolean tail) {
    static Shape of(ChannelPattern pattern) {
      String value = pattern.value();
      boolean tail = value.equals(">") || value.endsWith(".>");
      String fixed = tail ? value.substring(0, Math.max(0, value.length() - 2)) : value;
      return new Shape(fixed.isEmpty() ? new String[0] : fixed.split("\\.", -1), tail);
    }

    /**
     * Whether this grant matches every channel of {@code length} segments that {@code want}
     * matches; past its fixed segments, {@code want} has only wildcards.
     */
    boolean coversLength(Shape want, int length) {
      if (tail ? length <= segments.length : length != segments.length) {
        return false;
      }
      for (int i = 0; i < segments.length; i++) {
        String wanted = i < want.segments.length ? want.segments[i] : "*";
        if (!segments[i].equals("*") && !segments[i].equals(wanted)) {
          return false;
        }
      }
      return true;
    }
  }
}

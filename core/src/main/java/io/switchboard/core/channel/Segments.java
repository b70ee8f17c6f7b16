package io.switchboard.core.channel;

import io.switchboard.core.InvalidInputException;

/** The one place that knows the lexical rules shared by channel names and patterns. */
final class Segments {
  private Segments() {}

  static void check(String value, String what, boolean allowWildcards) {
    String problem = problem(value, allowWildcards);
    if (problem != null) {
      throw new InvalidInputException("invalid " + what + " " + InvalidInputException.quote(value) + ": " + problem);
    }
  }

  /** Returns why {@code value} breaks the rules, or null when it follows them. */
  static String problem(String value, boolean allowWildcards) {
    if (value == null || value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > ChannelName.MAX_LENGTH) {
      return "longer than " + ChannelName.MAX_LENGTH + " characters";
    }
    int segmentStart = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == '.') {
        String segmentProblem = segmentProblem(value, segmentStart, i, allowWildcards);
        if (segmentProblem != null) {
          return segmentProblem;
        }
        segmentStart = i + 1;
      }
    }
    return null;
  }

  private static String segmentProblem(String value, int start, int end, boolean allowWildcards) {
    if (start == end) {
      return "empty segment at position " + start + " (segments are separated by single dots)";
    }
    if (allowWildcards && end - start == 1) {
      char c = value.charAt(start);
      if (c == '*') {
        return null;
      }
      if (c == '>') {
        return end == value.length() ? null : "'>' is allowed only as the last segment";
      }
    }
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      if (!isSegmentChar(c)) {
        String allowed = allowWildcards ? "[A-Za-z0-9_-], or a whole segment '*' or '>'" : "[A-Za-z0-9_-]";
        return "character " + describe(c) + " at position " + i + " is not allowed; segments use " + allowed;
      }
    }
    return null;
  }

  static boolean isSegmentChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

}

package io.switchboard.bench;

import java.util.Optional;

/**
 * What a message of the subscriber benches carries, so that a subscriber can tell which message
 * of its channel it is and when it was due to be published: {@code "SEQUENCE:NANOS:"} in ASCII,
 * padded with {@code x} to the message size.
 *
 * @param sequence the message's number in its channel, from 0, in publish order
 * @param publishedAt when the message was due to be published, on this JVM's {@link System#nanoTime()} scale
 */
record MessageData(long sequence, long publishedAt) {
  /** The longest header: two numbers and their colons; messages are at least this large. */
  static final int MAX_HEADER_LENGTH = String.valueOf(Long.MAX_VALUE).length() + String.valueOf(Long.MIN_VALUE).length() + 2;

  /** The data of a {@code size}-byte message; {@code size} is at least {@link #MAX_HEADER_LENGTH}. */
  String encode(int size) {
    StringBuilder data = new StringBuilder(size).append(sequence).append(':').append(publishedAt).append(':');
    return data.append("x".repeat(size - data.length())).toString();
  }

  /** The message data made by {@link #encode}, or empty for anything else. */
  static Optional<MessageData> parse(String data) {
    int first = data.indexOf(':');
    int second = first < 0 ? -1 : data.indexOf(':', first + 1);
    if (first < 0 || second < 0) {
      return Optional.empty();
    }
    int nanosDigits = data.charAt(first + 1) == '-' ? first + 2 : first + 1;
    if (!digits(data, 0, first) || !digits(data, nanosDigits, second)) {
      return Optional.empty();
    }
    return Optional.of(new MessageData(Long.parseLong(data, 0, first, 10), Long.parseLong(data, first + 1, second, 10)));
  }

  /** Whether {@code text[from, to)} is 1 to 18 digits: few enough that parsing them cannot overflow. */
  private static boolean digits(String text, int from, int to) {
    if (from >= to || to - from > 18) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}

package io.switchboard.core.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history one channel keeps: at most {@code maxMessages} messages, none older than
 * {@code maxAge}. Whichever limit is reached first evicts the oldest messages.
 */
public record RetentionPolicy(int maxMessages, Duration maxAge) {
  /** 1,000 messages, 24 hours: enough for a client to come back from a long disconnection. */
  public static final RetentionPolicy DEFAULT = new RetentionPolicy(1_000, Duration.ofHours(24));

  public static final int MAX_MESSAGES_LIMIT = 10_000_000;

  public RetentionPolicy {
    if (maxMessages < 1 || maxMessages > MAX_MESSAGES_LIMIT) {
      throw new IllegalArgumentException("max-messages " + maxMessages + " is outside 1.." + MAX_MESSAGES_LIMIT);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("max-age " + maxAge + " must be positive");
    }
  }

  public RetentionPolicy withMaxMessages(int newMaxMessages) {
    return new RetentionPolicy(newMaxMessages, maxAge);
  }

  public RetentionPolicy withMaxAge(Duration newMaxAge) {
    return new RetentionPolicy(maxMessages, newMaxAge);
  }
}

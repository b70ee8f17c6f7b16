package io.switchboard.core.message;

import io.switchboard.core.InvalidInputException;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client asks to publish, before the engine gives it an id and a time.
 *
 * @param data the message text
 * @param event an optional type name: 1 to 64 characters of {@code [A-Za-z0-9_.:-]}
 * @param idempotencyKey an optional key: 1 to 255 printable ASCII characters; a second publish
 *     with the same key on the same channel, within the engine's idempotency window, returns the
 *     first message's id instead of storing again
 */
public record Publication(String data, Optional<String> event, Optional<String> idempotencyKey) {
  public static final int MAX_EVENT_LENGTH = 64;
  /** Event names with this prefix are the server's own (truncation, shutdown, ...). */
  public static final String RESERVED_EVENT_PREFIX = "switchboard.";
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  public Publication {
    Objects.requireNonNull(data, "data");
    event.ifPresent(Publication::checkEvent);
    idempotencyKey.ifPresent(Publication::checkIdempotencyKey);
  }

  public static Publication of(String data) {
    return new Publication(data, Optional.empty(), Optional.empty());
  }

  private static void checkEvent(String event) {
    if (event.isEmpty() || event.length() > MAX_EVENT_LENGTH || !event.chars().allMatch(Publication::isEventChar)) {
      throw new InvalidInputException("invalid event name " + InvalidInputException.quote(event) + ": use 1 to " + MAX_EVENT_LENGTH
          + " characters of [A-Za-z0-9_.:-]");
    }
    if (event.startsWith(RESERVED_EVENT_PREFIX)) {
      throw new InvalidInputException("invalid event name " + InvalidInputException.quote(event) + ": names starting with "
          + RESERVED_EVENT_PREFIX + " are reserved for the server's own events");
    }
  }

  private static boolean isEventChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == ':' || c == '-';
  }

  private static void checkIdempotencyKey(String key) {
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidInputException("invalid Idempotency-Key " + InvalidInputException.quote(key) + ": use 1 to "
          + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters without spaces");
    }
  }

}

package io.switchboard.server.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The event stream interpretation of the WHATWG HTML standard, fed with decoded body bytes: lines
 * end with CRLF, LF or CR (a CRLF may be split between two feeds); a blank line dispatches the
 * event being built; {@code :} starts a comment; {@code field: value} loses one leading space of
 * its value; data lines are joined with LF; {@code id} sets the last event ID unless it contains
 * NUL; {@code retry} counts only when it is all ASCII digits; unknown fields are ignored; an event
 * without data is not dispatched; an unfinished event at the end of the stream is discarded.
 *
 * <p>Not thread-safe: one reader thread feeds it; {@link EventStreamClient} publishes what it finds.
 */
final class EventStreamParser {
  private final Consumer<SseEvent> onEvent;
  private final Consumer<String> onComment;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private boolean afterCarriageReturn;
  private boolean firstLine = true;
  private String eventType = "";
  private String eventId;
  private String lastEventId = "";
  private long retryMillis = -1;

  EventStreamParser(Consumer<SseEvent> onEvent, Consumer<String> onComment) {
    this.onEvent = onEvent;
    this.onComment = onComment;
  }

  /** The reconnection time the stream asked for, or -1 if it sent none. */
  long retryMillis() {
    return retryMillis;
  }

  void feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (afterCarriageReturn && b == '\n') {
        afterCarriageReturn = false;
        continue;
      }
      afterCarriageReturn = false;
      if (b == '\r') {
        afterCarriageReturn = true;
        endLine();
      } else if (b == '\n') {
        endLine();
      } else {
        line.write(b);
      }
    }
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (firstLine) {
      firstLine = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    if (text.isEmpty()) {
      dispatch();
    } else if (text.startsWith(":")) {
      onComment.accept(text.substring(1));
    } else {
      int colon = text.indexOf(':');
      String field = colon < 0 ? text : text.substring(0, colon);
      String value = colon < 0 ? "" : text.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      process(field, value);
    }
  }

  private void process(String field, String value) {
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> data.append(value).append('\n');
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
          eventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          retryMillis = Long.parseLong(value);
        }
      }
      default -> {
        // The standard ignores unknown fields.
      }
    }
  }

  private void dispatch() {
    String id = eventId;
    eventId = null;
    if (data.length() == 0) {
      eventType = "";
      return;
    }
    String joined = data.substring(0, data.length() - 1);
    String type = eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType;
    data.setLength(0);
    eventType = "";
    onEvent.accept(new SseEvent(type, joined, id, lastEventId));
  }
}

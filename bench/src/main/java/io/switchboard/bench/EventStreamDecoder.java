package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns the bytes of a {@code text/event-stream} body into events, as the format says: lines end
 * in LF, CR LF or CR; a blank line ends an event; {@code data:} lines are joined with LF;
 * {@code event:} names its type; comments ({@code :}), {@code id:}, {@code retry:} and unknown
 * fields are skipped. A line longer than {@code maxLineBytes} is a failure: {@link #feed} returns
 * false and the decoder is done (its connection should be closed).
 *
 * <p>Not thread-safe: one decoder per stream, fed on its event loop.
 */
final class EventStreamDecoder {
  /** One event: its type ({@code ""} when it has none) and its data. */
  record Event(String type, String data) {}

  private final int maxLineBytes;
  private final Consumer<Event> events;
  /**
   * The line so far. A plain array rather than a ByteArrayOutputStream: that one's write is
   * synchronized, once per byte, and at 100,000 events a second it made the generator's SSE
   * subscribers cost far more than its WebSocket ones, its backlog then showing as latency.
   */
  private byte[] line = new byte[256];
  private int lineLength;
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  private boolean hasData;
  private boolean afterCarriageReturn;
  private boolean failed;

  EventStreamDecoder(int maxLineBytes, Consumer<Event> events) {
    this.maxLineBytes = maxLineBytes;
    this.events = events;
  }

  /** Decodes {@code bytes}, handing each complete event over; false once a line was too long. */
  boolean feed(Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    for (int i = 0; i < bytes.length && !failed; i++) {
      byte b = bytes[i];
      if (b == '\n' && afterCarriageReturn) {
        afterCarriageReturn = false; // the LF of a CR LF: the line already ended
      } else if (b == '\n' || b == '\r') {
        afterCarriageReturn = b == '\r';
        endLine();
      } else {
        afterCarriageReturn = false;
        if (lineLength == maxLineBytes) {
          failed = true;
        } else {
          if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
          }
          line[lineLength++] = b;
        }
      }
    }
    return !failed;
  }

  private void endLine() {
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    lineLength = 0;
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + (text.startsWith(" ", colon + 1) ? 2 : 1));
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> type = value;
      default -> { } // a comment (empty field), id, retry or an unknown field: nothing a bench counts
    }
  }

  private void dispatch() {
    if (hasData) {
      events.accept(new Event(type, data.toString()));
    }
    data.setLength(0);
    hasData = false;
    type = "";
  }
}

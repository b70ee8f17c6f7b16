package io.switchboard.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One event as a browser's {@code EventSource} dispatches it (WHATWG HTML, "Server-sent events").
 *
 * @param type the {@code event:} field, or {@code message} when the event had none
 * @param data the {@code data:} lines joined with LF
 * @param id the {@code id:} field of this very event, or null when it had none
 * @param lastEventId the last event ID buffer at dispatch: what a browser would send as
 *     {@code Last-Event-ID} on reconnect
 */
public record SseEvent(String type, String data, String id, String lastEventId) {
  /** The type of an event that had no {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether the server sent this event about itself ({@code switchboard.*}) rather than a message. */
  public boolean isServerEvent() {
    return type.startsWith("switchboard.");
  }

  /** The data parsed as JSON: server events, subscription streams and session streams send JSON. */
  public JsonNode json() {
    try {
      return JSON.readTree(data);
    } catch (IOException notJson) {
      throw new AssertionError("event data is not JSON: " + this, notJson);
    }
  }
}

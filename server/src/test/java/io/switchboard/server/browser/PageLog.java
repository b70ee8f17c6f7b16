package io.switchboard.server.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * What {@code stream-page.html} recorded in {@code window.received}: the event stream's message
 * events, Switchboard's own stream events, how often the {@code EventSource} opened and its
 * {@code readyState} at each error, and every WebSocket frame and close.
 */
record PageLog(
    List<StreamEvent> events,
    List<StreamEvent> serverEvents,
    int eventSourceOpens,
    List<Integer> eventSourceErrorStates,
    List<JsonNode> frames,
    List<JsonNode> socketCloses) {

  /** The script that reads the log out of the page. */
  static final String READ_SCRIPT = "return JSON.stringify(window.received)";
  /** {@code EventSource.CONNECTING}: after an error in this state the browser reconnects by itself. */
  static final int CONNECTING = 0;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An event as the browser dispatched it: its last event id and its data (or its type and data). */
  record StreamEvent(String id, String data, String type) {
    static StreamEvent message(String id, String data) {
      return new StreamEvent(id, data, /* type= */ null);
    }
  }

  static PageLog parse(String json) {
    try {
      return JSON.readValue(json, PageLog.class);
    } catch (JsonProcessingException unexpected) {
      throw new IllegalStateException("the page recorded something that is not its log: " + json, unexpected);
    }
  }

  /** The WebSocket's {@code message} frames, in arrival order. */
  List<JsonNode> messageFrames() {
    return frames.stream().filter(frame -> "message".equals(frame.path("op").asText())).toList();
  }

  /** Whether the WebSocket's subscription was acknowledged. */
  boolean socketSubscribed() {
    return frames.stream().anyMatch(frame -> "ack".equals(frame.path("op").asText()) && "subscribed".equals(frame.path("ref").asText()));
  }

  /** Whether the stream has dispatched the message with this id. */
  boolean streamDelivered(String id) {
    return events.stream().anyMatch(event -> id.equals(event.id()));
  }

  /** Whether the WebSocket has delivered the message with this id. */
  boolean socketDelivered(String id) {
    return messageFrames().stream().anyMatch(frame -> id.equals(frame.path("id").asText()));
  }
}

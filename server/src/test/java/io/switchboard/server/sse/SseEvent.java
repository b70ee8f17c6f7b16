package io.switchboard.server.sse;

/**
 * One event as a browser's {@code EventSource} dispatches it (WHATWG HTML, "Server-sent events").
 *
 * @param type the {@code event:} field, or {@code message} when the event had none
 * @param data the {@code data:} lines joined with LF
 * @param id the {@code id:} field of this very event, or null when it had none
 * @param lastEventId the last event ID buffer at dispatch: what a browser would send as
 *     {@code Last-Event-ID} on reconnect
 */
record SseEvent(String type, String data, String id, String lastEventId) {
  static final String DEFAULT_TYPE = "message";

  boolean isServerEvent() {
    return type.startsWith("switchboard.");
  }
}

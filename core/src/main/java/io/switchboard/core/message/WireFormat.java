package io.switchboard.core.message;

/**
 * One way a transport encodes a message for the wire (an SSE event, a WebSocket frame). A
 * {@link Delivery} encodes each message at most once per format, however many subscribers it
 * reaches.
 *
 * @param <T> the encoded form, e.g. a buffer of bytes
 */
public interface WireFormat<T> {
  /** The most formats a server may register; each takes one slot of every delivery. */
  int MAX_SLOTS = 8;

  /** This format's slot, unique among the formats of one server, in {@code 0..MAX_SLOTS-1}. */
  int slot();

  /** Encodes {@code message}; must be pure, as it may run on any thread and more than once. */
  T encode(Message message);
}

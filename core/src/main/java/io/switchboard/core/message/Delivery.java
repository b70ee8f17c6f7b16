package io.switchboard.core.message;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A message on its way to subscribers, with its encodings cached per {@link WireFormat}, so that a
 * fan-out to thousands of subscribers of one transport encodes the message once.
 *
 * <p>Threads: any. Two threads asking for the same format at once may both encode; both results
 * are equal and the first stored wins, so no lock is taken on the hot path.
 */
public final class Delivery {
  private final Message message;
  private final AtomicReferenceArray<Object> encodings = new AtomicReferenceArray<>(WireFormat.MAX_SLOTS);

  public Delivery(Message message) {
    this.message = message;
  }

  public Message message() {
    return message;
  }

  @SuppressWarnings("unchecked") // a slot only ever holds what its format encoded
  public <T> T encoded(WireFormat<T> format) {
    Object cached = encodings.get(format.slot());
    if (cached == null) {
      T fresh = format.encode(message);
      return encodings.compareAndSet(format.slot(), null, fresh) ? fresh : (T) encodings.get(format.slot());
    }
    return (T) cached;
  }
}

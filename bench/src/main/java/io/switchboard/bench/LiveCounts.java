package io.switchboard.bench;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of a subscriber bench that any thread may add to and read: the progress line
 * and the main thread's drain loop read them while the clients count on their event loops.
 */
final class LiveCounts {
  final LongAdder subscribed = new LongAdder();
  final LongAdder closed = new LongAdder();
  final LongAdder published = new LongAdder();
  /** Deliveries of a message to a subscriber for the first time: duplicates are not counted. */
  final LongAdder delivered = new LongAdder();
  final LongAdder errors = new LongAdder();
}

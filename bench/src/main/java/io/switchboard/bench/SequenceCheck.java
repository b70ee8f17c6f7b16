package io.switchboard.bench;

import java.util.BitSet;

/**
 * One subscriber's account of the messages of its channel, by sequence number: which arrived, how
 * many arrived again (duplicated) and how many arrived after a later one (reordered). What was
 * lost is known only at the end, against what the publisher had accepted ({@link #lost}).
 *
 * <p>Not thread-safe: confined to its subscriber's event loop until the run has ended.
 */
final class SequenceCheck {
  private final BitSet received = new BitSet();
  private long highest = -1;
  private long duplicated;
  private long reordered;

  /** Notes message {@code sequence}; true when it is the first time it arrived. */
  boolean receive(long sequence) {
    if (sequence > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("sequence " + sequence + " is beyond what a run publishes");
    }
    int index = (int) sequence;
    if (received.get(index)) {
      duplicated++;
      return false;
    }
    received.set(index);
    if (sequence < highest) {
      reordered++;
    }
    highest = Math.max(highest, sequence);
    return true;
  }

  long duplicated() {
    return duplicated;
  }

  long reordered() {
    return reordered;
  }

  /** How many of the {@code accepted} messages numbered {@code from} to {@code to} (exclusive) never arrived. */
  long lost(BitSet accepted, int from, int to) {
    BitSet missing = accepted.get(from, to);
    missing.andNot(received.get(from, to));
    return missing.cardinality();
  }
}

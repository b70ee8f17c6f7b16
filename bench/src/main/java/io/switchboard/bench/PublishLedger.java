package io.switchboard.bench;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the {@link PacedPublisher}s of a run did: for each channel, which sequence numbers the
 * server accepted; the numbers due inside the measured window; and their failures by cause.
 * Immutable once made: subscriber groups read it on their own loops at the end.
 *
 * @param acceptedByChannel per channel index, the sequence numbers whose publish was accepted
 * @param windowFrom the first sequence number due inside the window
 * @param windowTo the first sequence number due after the window (no message has it)
 */
record PublishLedger(Map<Integer, BitSet> acceptedByChannel, int windowFrom, int windowTo, long acceptedInWindow,
    SortedMap<String, Long> errorsByCause) {
  PublishLedger {
    acceptedByChannel = Map.copyOf(acceptedByChannel);
  }

  /** How many messages of {@code channel} accepted inside the window {@code check} never saw. */
  long lost(int channel, SequenceCheck check) {
    BitSet accepted = acceptedByChannel.get(channel);
    return accepted == null ? 0 : check.lost(accepted, windowFrom, windowTo);
  }

  /** How many messages of {@code channel} accepted in the whole run {@code check} has not seen (yet). */
  long missing(int channel, SequenceCheck check) {
    BitSet accepted = acceptedByChannel.get(channel);
    return accepted == null ? 0 : check.lost(accepted, 0, accepted.length());
  }

  long errors() {
    return ErrorCounts.total(errorsByCause);
  }

  static PublishLedger merge(List<PublishLedger> ledgers) {
    Map<Integer, BitSet> accepted = new java.util.HashMap<>();
    long inWindow = 0;
    for (PublishLedger ledger : ledgers) {
      accepted.putAll(ledger.acceptedByChannel());
      inWindow += ledger.acceptedInWindow();
    }
    PublishLedger first = ledgers.get(0);
    return new PublishLedger(accepted, first.windowFrom(), first.windowTo(), inWindow,
        ErrorCounts.sum(ledgers.stream().map(PublishLedger::errorsByCause).toList()));
  }
}

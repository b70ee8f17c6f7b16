package io.switchboard.bench;

import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * What one worker counted: jobs completed (200) inside the window with their latencies in
 * microseconds (from submit, and from claim, to the completion's answer); jobs completed after the
 * deadline; failures of the whole run by cause; completions refused with 409; claims of a job on
 * its second or later attempt; and every job it completed, by submitter and number
 * ({@link JobData}), with the count of jobs it completed twice.
 */
record WorkerTally(long completedInWindow, long completedAfterDeadline, Histogram endToEndMicros, Histogram claimCompleteMicros,
    SortedMap<String, Long> errorsByCause, long conflicts, long claimedAgain, long completedTwice,
    Map<Integer, BitSet> completedBySubmitter) {
  /** Copies the mutable parts, so that a tally shares no state with the worker that made it. */
  WorkerTally {
    endToEndMicros = endToEndMicros.copy();
    claimCompleteMicros = claimCompleteMicros.copy();
    Map<Integer, BitSet> copy = new HashMap<>();
    completedBySubmitter.forEach((submitter, numbers) -> copy.put(submitter, (BitSet) numbers.clone()));
    completedBySubmitter = Collections.unmodifiableMap(copy);
  }

  /** The numbers of submitter {@code submitter}'s jobs this worker completed; a copy. */
  BitSet completedOf(int submitter) {
    BitSet numbers = completedBySubmitter.get(submitter);
    return numbers == null ? new BitSet() : (BitSet) numbers.clone();
  }
}

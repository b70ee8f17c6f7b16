package io.switchboard.bench;

import java.util.BitSet;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * What one submitter counted: jobs accepted (202) inside the window with the latencies of their
 * submits in microseconds, failures of the whole run by cause, and the numbers of every job of the
 * whole run that was accepted ({@link JobData#number()}).
 *
 * @param submitter the submitter's index, which its jobs carry
 */
record SubmitterTally(int submitter, long submittedInWindow, Histogram submitMicros, SortedMap<String, Long> errorsByCause,
    BitSet accepted) {
  /** Copies the mutable parts, so that a tally shares no state with the submitter that made it. */
  SubmitterTally {
    submitMicros = submitMicros.copy();
    accepted = (BitSet) accepted.clone();
  }
}

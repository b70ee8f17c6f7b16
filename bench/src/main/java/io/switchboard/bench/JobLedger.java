package io.switchboard.bench;

import java.util.BitSet;
import java.util.List;

/**
 * The generator's own account of a {@link JobsBench} run, from what the submitters were told (202)
 * and what the workers completed (200), job by job ({@link JobData}): every accepted job must have
 * been completed exactly once.
 *
 * @param accepted jobs answered with 202 in the whole run
 * @param completed distinct jobs answered with 200 on completion
 * @param lost accepted jobs no worker completed
 * @param duplicated completions of a job beyond its first
 * @param unacknowledged completed jobs whose submit was not answered with 202 (its answer was lost)
 */
record JobLedger(long accepted, long completed, long lost, long duplicated, long unacknowledged) {
  static JobLedger of(List<SubmitterTally> submitters, List<WorkerTally> workers) {
    long accepted = 0;
    long completed = 0;
    long lost = 0;
    long duplicated = workers.stream().mapToLong(WorkerTally::completedTwice).sum();
    long unacknowledged = 0;
    for (SubmitterTally submitter : submitters) {
      BitSet done = new BitSet();
      for (WorkerTally worker : workers) {
        BitSet byWorker = worker.completedOf(submitter.submitter());
        BitSet twice = (BitSet) byWorker.clone();
        twice.and(done);
        duplicated += twice.cardinality();
        done.or(byWorker);
      }
      BitSet missing = (BitSet) submitter.accepted().clone();
      missing.andNot(done);
      BitSet unasked = (BitSet) done.clone();
      unasked.andNot(submitter.accepted());
      accepted += submitter.accepted().cardinality();
      completed += done.cardinality();
      lost += missing.cardinality();
      unacknowledged += unasked.cardinality();
    }
    return new JobLedger(accepted, completed, lost, duplicated, unacknowledged);
  }

  boolean balances() {
    return lost == 0 && duplicated == 0 && unacknowledged == 0;
  }
}

package io.switchboard.bench;

import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/** What all submitters and workers of a {@link JobsBench} run counted, summed; see their tallies. */
record JobsTally(long submittedInWindow, long completedInWindow, long completedAfterDeadline, Histogram endToEndMicros,
    Histogram submitMicros, Histogram claimCompleteMicros, SortedMap<String, Long> errorsByCause, long conflicts,
    long claimedAgain) {
  /**
   * @param otherErrors failures of the run's own requests, e.g. reading the queue counts
   */
  static JobsTally sum(List<SubmitterTally> submitters, List<WorkerTally> workers, SortedMap<String, Long> otherErrors) {
    Histogram endToEnd = Latencies.histogram();
    Histogram submit = Latencies.histogram();
    Histogram claimComplete = Latencies.histogram();
    submitters.forEach(submitter -> submit.add(submitter.submitMicros()));
    workers.forEach(worker -> {
      endToEnd.add(worker.endToEndMicros());
      claimComplete.add(worker.claimCompleteMicros());
    });
    SortedMap<String, Long> errors = ErrorCounts.sum(Stream.of(
            submitters.stream().map(SubmitterTally::errorsByCause),
            workers.stream().map(WorkerTally::errorsByCause),
            Stream.of(otherErrors))
        .flatMap(each -> each).toList());
    return new JobsTally(
        submitters.stream().mapToLong(SubmitterTally::submittedInWindow).sum(),
        workers.stream().mapToLong(WorkerTally::completedInWindow).sum(),
        workers.stream().mapToLong(WorkerTally::completedAfterDeadline).sum(),
        endToEnd, submit, claimComplete, errors,
        workers.stream().mapToLong(WorkerTally::conflicts).sum(),
        workers.stream().mapToLong(WorkerTally::claimedAgain).sum());
  }

  long errors() {
    return ErrorCounts.total(errorsByCause);
  }
}

package io.switchboard.bench;

import java.util.List;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * What publishers counted: messages created (201) inside the measurement window with their
 * latencies in microseconds, and every failure of the whole run (warm-up included) by cause.
 */
record PublisherTally(long created, SortedMap<String, Long> errorsByCause, Histogram latencyMicros) {
  /** Copies the histogram, so that a tally shares no state with the publisher that made it. */
  PublisherTally {
    latencyMicros = latencyMicros.copy();
  }

  static PublisherTally sum(List<PublisherTally> tallies) {
    long created = 0;
    Histogram latencies = Latencies.histogram();
    for (PublisherTally tally : tallies) {
      created += tally.created();
      latencies.add(tally.latencyMicros());
    }
    return new PublisherTally(created, ErrorCounts.sum(tallies.stream().map(PublisherTally::errorsByCause).toList()),
        latencies);
  }

  long errors() {
    return ErrorCounts.total(errorsByCause);
  }
}

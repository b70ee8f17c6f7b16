package io.switchboard.bench;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What publishers counted: messages created (201) inside the measurement window with their
 * latencies in microseconds, and every failure of the whole run (warm-up included) by cause.
 */
record Tally(long created, SortedMap<String, Long> errorsByCause, Histogram latencyMicros) {
  /** Copies both, so that a tally shares no state with the publisher that made it. */
  Tally {
    errorsByCause = Collections.unmodifiableSortedMap(new TreeMap<>(errorsByCause));
    latencyMicros = latencyMicros.copy();
  }

  static Tally sum(List<Tally> tallies) {
    long created = 0;
    SortedMap<String, Long> errors = new TreeMap<>();
    Histogram latencies = new Histogram(Publisher.LATENCY_DIGITS);
    for (Tally tally : tallies) {
      created += tally.created();
      tally.errorsByCause().forEach((cause, count) -> errors.merge(cause, count, Long::sum));
      latencies.add(tally.latencyMicros());
    }
    return new Tally(created, errors, latencies);
  }

  long errors() {
    return errorsByCause.values().stream().mapToLong(Long::longValue).sum();
  }
}

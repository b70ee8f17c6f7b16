package io.switchboard.bench;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Failures of one client by cause ({@code "status 503"}, {@code "connect: …"}). A server that
 * fails in many different ways must not make the generator's memory grow: the first
 * {@value #MAX_CAUSES} causes are kept by name, every further one is counted under
 * {@value #OTHER_CAUSES}.
 *
 * <p>Not thread-safe: each client counts on its own event loop and hands over a {@link #snapshot}.
 */
final class ErrorCounts {
  static final int MAX_CAUSES = 16;
  static final String OTHER_CAUSES = "other causes";

  private final SortedMap<String, Long> byCause = new TreeMap<>();

  void count(String cause) {
    String key = byCause.containsKey(cause) || byCause.size() < MAX_CAUSES ? cause : OTHER_CAUSES;
    byCause.merge(key, 1L, Long::sum);
  }

  /** A copy that shares nothing with this counter. */
  SortedMap<String, Long> snapshot() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(byCause));
  }

  static SortedMap<String, Long> sum(List<SortedMap<String, Long>> counts) {
    SortedMap<String, Long> sum = new TreeMap<>();
    counts.forEach(count -> count.forEach((cause, times) -> sum.merge(cause, times, Long::sum)));
    return Collections.unmodifiableSortedMap(sum);
  }

  static long total(SortedMap<String, Long> byCause) {
    return byCause.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code "3 × status 503; 1 × connect: …"}, for the line under a report's table. */
  static String describe(SortedMap<String, Long> byCause) {
    return byCause.entrySet().stream()
        .map(cause -> cause.getValue() + " × " + cause.getKey())
        .collect(Collectors.joining("; "));
  }
}

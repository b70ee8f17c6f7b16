package io.switchboard.bench;

import java.time.Duration;

/**
 * The counted part of a run on the {@link System#nanoTime()} scale: warm-up from the start to
 * {@code countFrom}, counting from there to {@code deadline}, after which no request is sent.
 * A request counts when its answer arrives inside the window.
 */
record MeasurementWindow(long countFrom, long deadline) {
  static MeasurementWindow startingAt(long startNanos, Duration warmup, Duration duration) {
    long countFrom = startNanos + warmup.toNanos();
    return new MeasurementWindow(countFrom, countFrom + duration.toNanos());
  }

  boolean counts(long nanos) {
    return nanos - countFrom >= 0 && nanos - deadline < 0;
  }

  boolean isOver(long nanos) {
    return nanos - deadline >= 0;
  }
}

package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * How the benches record and show latencies: HdrHistograms of microseconds with
 * {@value #DIGITS} significant digits, shown as p50, p90, p99, p99.9 and max in milliseconds in
 * tables and in microseconds in JSON.
 */
final class Latencies {
  /** Significant decimal digits the histograms keep. */
  static final int DIGITS = 3;

  private static final double[] PERCENTILES = {50, 90, 99, 99.9};
  private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};

  private Latencies() {}

  /** An empty histogram of microseconds that grows to any value. */
  static Histogram histogram() {
    return new Histogram(DIGITS);
  }

  /** The column headers that go with {@link #cells}, each 10 characters wide. */
  static String headers() {
    return String.format(Locale.ROOT, "%10s%10s%10s%10s%10s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
  }

  /** The percentiles and the maximum, in milliseconds, each 10 characters wide. */
  static String cells(Histogram micros) {
    StringBuilder cells = new StringBuilder();
    for (double percentile : PERCENTILES) {
      cells.append(String.format(Locale.ROOT, "%10.3f", millis(micros.getValueAtPercentile(percentile))));
    }
    return cells.append(String.format(Locale.ROOT, "%10.3f", millis(micros.getMaxValue()))).toString();
  }

  /** The percentiles, maximum and mean in microseconds. */
  static JsonObject json(Histogram micros) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < PERCENTILES.length; i++) {
      json.put(PERCENTILE_NAMES[i], micros.getValueAtPercentile(PERCENTILES[i]));
    }
    return json.put("max", micros.getMaxValue()).put("mean", micros.getMean());
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}

package io.switchboard.core.jobs;

import java.time.Duration;

/**
 * How the {@link Jobs} service treats jobs whose submitter or worker does not say otherwise.
 *
 * @param defaultAttempts the claims a job gets when its submitter does not say
 * @param defaultLease how long a claim holds when its worker does not say
 * @param retention how long an ended job stays inspectable before it is removed
 * @param maxBytes the largest job data, result or error, in UTF-8 bytes
 */
public record JobSettings(int defaultAttempts, Duration defaultLease, Duration retention, int maxBytes) {
  /** The most attempts a job may be given. */
  public static final int MAX_ATTEMPTS = 100;
  /** The longest lease a worker may ask for; it extends a longer one with heartbeats. */
  public static final Duration MAX_LEASE = Duration.ofHours(1);

  public JobSettings {
    if (defaultAttempts < 1 || defaultAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("default attempts " + defaultAttempts + " must be 1 to " + MAX_ATTEMPTS);
    }
    if (defaultLease.compareTo(Duration.ofSeconds(1)) < 0 || defaultLease.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException("default lease " + defaultLease + " must be 1 second to " + MAX_LEASE);
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("job retention " + retention + " must be positive");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " must be positive");
    }
  }
}

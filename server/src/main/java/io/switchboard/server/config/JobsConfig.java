package io.switchboard.server.config;

import io.switchboard.core.jobs.JobSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * How jobs and their callbacks behave.
 *
 * @param attempts the claims a job gets when its submitter does not say ({@code jobs.attempts})
 * @param lease how long a claim holds when its worker does not say ({@code jobs.lease})
 * @param retention how long an ended job stays inspectable ({@code jobs.retention})
 * @param webhookSecret the key of the HMAC-SHA256 signature on callbacks ({@code webhook-secret});
 *     without one, submissions with a callback are refused
 * @param callbackTimeout how long one callback call may take, connecting included
 * @param callbackAttempts how many calls are made before a callback is given up
 * @param callbackBackoff the wait before the first retry; it doubles after each failed call, up to
 *     {@link #MAX_CALLBACK_BACKOFF}
 */
public record JobsConfig(
    int attempts,
    Duration lease,
    Duration retention,
    Optional<String> webhookSecret,
    Duration callbackTimeout,
    int callbackAttempts,
    Duration callbackBackoff) {
  /** The longest wait between two calls of one callback. */
  public static final Duration MAX_CALLBACK_BACKOFF = Duration.ofMinutes(10);

  /** The part of this the core's job service needs. */
  public JobSettings jobSettings(int maxBytes) {
    return new JobSettings(attempts, lease, retention, maxBytes);
  }

  public JobsConfig withLease(Duration newLease) {
    return new JobsConfig(attempts, newLease, retention, webhookSecret, callbackTimeout, callbackAttempts, callbackBackoff);
  }

  public JobsConfig withWebhookSecret(String newSecret) {
    return new JobsConfig(attempts, lease, retention, Optional.of(newSecret), callbackTimeout, callbackAttempts, callbackBackoff);
  }

  public JobsConfig withCallbacks(Duration newTimeout, int newAttempts, Duration newBackoff) {
    return new JobsConfig(attempts, lease, retention, webhookSecret, newTimeout, newAttempts, newBackoff);
  }
}

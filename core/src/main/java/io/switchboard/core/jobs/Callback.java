package io.switchboard.core.jobs;

import java.util.Objects;
import java.util.Optional;

/**
 * The URL to call when a job ends, and how calling it went.
 *
 * @param url an absolute http or https URL
 * @param state whether the call is still to be made, was answered with a 2xx, or was given up
 * @param attempts how many calls were made
 * @param lastError why the last call failed, when it did
 */
public record Callback(String url, State state, int attempts, Optional<String> lastError) {
  public enum State {
    /** Not yet answered with a 2xx; calls are being made (or the job has not ended yet). */
    PENDING,
    /** A call was answered with a 2xx. */
    DELIVERED,
    /** Every allowed call failed; no more are made. */
    FAILED
  }

  public Callback {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastError, "lastError");
  }

  public static Callback pending(String url) {
    return new Callback(url, State.PENDING, 0, Optional.empty());
  }

  public Callback delivered() {
    return new Callback(url, State.DELIVERED, attempts + 1, Optional.empty());
  }

  public Callback attemptFailed(String error, boolean giveUp) {
    return new Callback(url, giveUp ? State.FAILED : State.PENDING, attempts + 1, Optional.of(error));
  }
}

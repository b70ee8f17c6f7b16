package io.switchboard.core.jobs;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The right to work on a job until {@code expiresAt}: only the worker that presents {@code token}
 * may complete, fail or extend it, so a worker whose lease ran out cannot overwrite the work of the
 * worker that holds the job now.
 *
 * @param token an unguessable string drawn at each claim
 * @param expiresAt epoch milliseconds
 */
public record Lease(String token, long expiresAt) {
  public Lease {
    Objects.requireNonNull(token, "token");
  }

  public boolean isHeldAt(long now) {
    return now < expiresAt;
  }

  /** Compares in constant time, so that response timing tells nothing about the token. */
  public boolean matches(String presented) {
    return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}

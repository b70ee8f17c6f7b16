package io.switchboard.core.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking, as far as authorization cares: the subject of the token it presented (none for
 * an anonymous caller), what it may do, and when its token stops being valid.
 *
 * @param subject the token's {@code sub}, or empty for a caller without a token (or a token
 *     without a subject)
 * @param authenticated whether the caller presented a valid token; a refusal is then a 403, not a 401
 * @param grants what the caller may do, anonymous rights included
 * @param expiresAt when the token expires; streams opened with it end then
 */
public record Caller(Optional<String> subject, boolean authenticated, Grants grants, Optional<Instant> expiresAt) {
  public Caller {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(grants, "grants");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * Milliseconds from {@code nowMillis} until the token expires, at least 1 (a token checked a
   * moment ago may be due by now); empty for a token without an expiry or no token.
   */
  public Optional<Long> millisToExpiry(long nowMillis) {
    return expiresAt.map(expiry -> Math.max(1, expiry.toEpochMilli() - nowMillis));
  }

  /** The owner recorded for what this caller creates: its subject, or the empty string for nobody in particular. */
  public String owner() {
    return subject.orElse("");
  }
}

package io.switchboard.server.limits;

/** A client went over a rate limit; transports answer 429 with {@code Retry-After}. */
public final class RateLimitedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  public RateLimitedException(long retryAfterSeconds, String detail) {
    super(detail, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}

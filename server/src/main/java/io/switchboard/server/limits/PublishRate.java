package io.switchboard.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Publishes per second per key (a token's subject, or a client address): a token bucket per key
 * that holds at most one second of publishes, so a client may burst up to the rate and no more.
 * Buckets of keys that have not published for a while are forgotten by {@link #forgetIdle}.
 */
public final class PublishRate {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int perSecond;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param perSecond publishes per second per key; 0 for no limit */
  public PublishRate(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
  }

  /** Whether publishes are limited at all; without a limit, callers need not work out a key. */
  public boolean limits() {
    return perSecond > 0;
  }

  /**
   * Takes one publish from {@code key}'s allowance.
   *
   * @throws RateLimitedException when the allowance is spent, with the whole seconds until the next publish may go ahead
   */
  public void take(String key) {
    long wait = secondsToWait(key);
    if (wait > 0) {
      throw new RateLimitedException(wait, "more than " + perSecond + " publishes per second (limits.publish-rate); retry in " + wait + " s");
    }
  }

  private long secondsToWait(String key) {
    if (perSecond <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, ignored -> new Bucket(perSecond, now));
    synchronized (bucket) {
      bucket.refill(perSecond, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      double missing = 1 - bucket.tokens;
      return Math.max(1, (long) Math.ceil(missing / perSecond));
    }
  }

  /** The key a caller is counted under: the token's subject, or the client's address without one. */
  public static String keyOf(java.util.Optional<String> subject, String address) {
    return subject.map(name -> "subject " + name).orElse("address " + address);
  }

  /** Forgets keys that have not published for a second: their buckets are full again, as if they had never published. */
  public void forgetIdle() {
    long now = nanoTime.getAsLong();
    buckets.entrySet().removeIf(entry -> {
      synchronized (entry.getValue()) {
        return now - entry.getValue().refilledAt > NANOS_PER_SECOND;
      }
    });
  }

  int keys() {
    return buckets.size();
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(int perSecond, long now) {
      this.tokens = perSecond;
      this.refilledAt = now;
    }

    void refill(int perSecond, long now) {
      tokens = Math.min(perSecond, tokens + (now - refilledAt) * (double) perSecond / NANOS_PER_SECOND);
      refilledAt = now;
    }
  }
}

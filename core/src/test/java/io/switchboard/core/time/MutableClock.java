package io.switchboard.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it: retention, idempotency windows and
 * message times become deterministic, and no test has to sleep.
 *
 * <p>Threads: any thread may read or {@link #advance} it; the instant is held in an atomic
 * reference, so readers see either the old or the new time, never a torn one. Clocks made by
 * {@link #withZone} share the same instant: advancing one advances all of them.
 *
 * <p>Time never goes backwards: {@link #advance} rejects a negative duration, because engines may
 * assume (as with a real clock, mostly) that time does not run back.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** A clock in UTC that reads {@code start} until advanced. */
  public MutableClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /** A clock in UTC that starts at 2024-01-01T00:00:00Z, for tests that do not care when. */
  public MutableClock() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Moves the clock forward.
   *
   * @throws IllegalArgumentException when {@code amount} is negative
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("cannot advance a clock by " + amount + ": time never goes backwards");
    }
    now.updateAndGet(current -> current.plus(amount));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of the same instant in another zone; advancing either advances both. */
  @Override
  public Clock withZone(ZoneId newZone) {
    return newZone.equals(zone) ? this : new MutableClock(now, newZone);
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + ", " + zone + "]";
  }
}

package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublishRateTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private void advanceMillis(long millis) {
    nanos.addAndGet(millis * 1_000_000L);
  }

  @Test
  void aKeyMayBurstUpToTheRateThenWaitsForTheBucketToRefill() {
    PublishRate rate = new PublishRate(4, nanos::get);

    for (int i = 0; i < 4; i++) {
      rate.take("k");
    }
    assertThatThrownBy(() -> rate.take("k")).isInstanceOfSatisfying(RateLimitedException.class,
        limited -> assertThat(limited.retryAfterSeconds()).isEqualTo(1));

    advanceMillis(250);
    assertThatCode(() -> rate.take("k")).doesNotThrowAnyException();
    assertThatThrownBy(() -> rate.take("k")).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void keysAreCountedApart() {
    PublishRate rate = new PublishRate(1, nanos::get);

    rate.take(PublishRate.keyOf(Optional.of("alice"), "10.0.0.1"));

    assertThatCode(() -> rate.take(PublishRate.keyOf(Optional.of("bob"), "10.0.0.1"))).doesNotThrowAnyException();
    assertThatCode(() -> rate.take(PublishRate.keyOf(Optional.empty(), "10.0.0.1"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> rate.take(PublishRate.keyOf(Optional.of("alice"), "10.0.0.2"))).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void zeroMeansNoLimitAndKeepsNoState() {
    PublishRate rate = new PublishRate(0, nanos::get);

    for (int i = 0; i < 10_000; i++) {
      rate.take("k" + i);
    }
    assertThat(rate.keys()).isZero();
  }

  @Test
  void idleKeysAreForgotten() {
    PublishRate rate = new PublishRate(10, nanos::get);
    rate.take("busy");
    rate.take("idle");
    advanceMillis(1_500);
    rate.take("busy");

    rate.forgetIdle();

    assertThat(rate.keys()).isEqualTo(1);
  }
}

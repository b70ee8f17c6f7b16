package io.switchboard.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MutableClockTest {
  private static final Instant START = Instant.parse("2030-05-06T07:08:09.123Z");

  @Test
  void readsTheStartInstantInUtcUntilAdvanced() {
    MutableClock clock = new MutableClock(START);

    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void advanceMovesTheInstantForwardByExactlyTheDuration() {
    MutableClock clock = new MutableClock(START);

    clock.advance(Duration.ofMillis(1));
    clock.advance(Duration.ofHours(2));

    assertThat(clock.instant()).isEqualTo(START.plusMillis(1).plus(Duration.ofHours(2)));
  }

  @Test
  void advancingByANegativeDurationIsRejected() {
    MutableClock clock = new MutableClock(START);

    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.001S");
    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void aClockInAnotherZoneSharesTheSameInstant() {
    MutableClock clock = new MutableClock(START);
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofSeconds(5));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(START.plusSeconds(5));
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
  }

  @Test
  void concurrentAdvancesAreNeverLost() throws Exception {
    MutableClock clock = new MutableClock(START);
    int threads = 4;
    int advancesPerThread = 5_000;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < advancesPerThread; i++) {
            clock.advance(Duration.ofMillis(1));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> each : done) {
        each.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(clock.instant()).isEqualTo(START.plusMillis((long) threads * advancesPerThread));
  }
}

package io.switchboard.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  private final List<String> ran = new ArrayList<>();

  @Test
  void aTaskDoesNotRunUntilItsDelayHasPassed() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(10), () -> ran.add("task"));

    scheduler.advance(Duration.ofSeconds(9));
    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingCount()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("task");
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void dueTasksRunInDueOrderAndTiesInSchedulingOrder() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(3), () -> ran.add("c"));
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("b1"));
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("b2"));
    scheduler.schedule(Duration.ofSeconds(4), () -> ran.add("late"));

    scheduler.advance(Duration.ofSeconds(3));

    assertThat(ran).containsExactly("a", "b1", "b2", "c");
    assertThat(scheduler.pendingCount()).isEqualTo(1);
  }

  @Test
  void tasksScheduledByTasksRunInTheSameAdvanceWhenTheyFallDueWithinIt() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(5), () -> {
      ran.add("every 5 s at " + scheduler.elapsed().toSeconds());
      scheduler.schedule(Duration.ofSeconds(5), () -> {
        ran.add("every 5 s at " + scheduler.elapsed().toSeconds());
        scheduler.schedule(Duration.ofSeconds(5), () -> ran.add("every 5 s at " + scheduler.elapsed().toSeconds()));
      });
    });
    scheduler.schedule(Duration.ofSeconds(7), () -> ran.add("once at " + scheduler.elapsed().toSeconds()));

    scheduler.advance(Duration.ofSeconds(12));

    assertThat(ran).containsExactly("every 5 s at 5", "once at 7", "every 5 s at 10");
    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aTaskScheduledWithoutDelayByATaskRunsInTheSameAdvance() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(1), () -> scheduler.schedule(Duration.ZERO, () -> ran.add("follow-up")));

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(ran).containsExactly("follow-up");
  }

  @Test
  void advanceByZeroRunsOnlyWhatIsDueNow() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ZERO, () -> ran.add("now"));
    scheduler.schedule(Duration.ofNanos(1), () -> ran.add("later"));

    scheduler.advance(Duration.ZERO);

    assertThat(ran).containsExactly("now");
  }

  @Test
  void aCancelledTaskNeverRunsAndIsNoLongerPending() {
    ManualScheduler scheduler = new ManualScheduler();
    Scheduler.Cancellable cancelled = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));

    cancelled.cancel();

    assertThat(scheduler.pendingCount()).isEqualTo(1);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(ran).containsExactly("kept");
  }

  @Test
  void aTaskCancelledByAnEarlierTaskOfTheSameAdvanceNeverRuns() {
    ManualScheduler scheduler = new ManualScheduler();
    Scheduler.Cancellable[] victim = new Scheduler.Cancellable[1];
    scheduler.schedule(Duration.ofSeconds(1), () -> victim[0].cancel());
    victim[0] = scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("victim"));

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void cancellingATaskThatAlreadyRanDoesNothing() {
    ManualScheduler scheduler = new ManualScheduler();
    Scheduler.Cancellable done = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("done"));
    scheduler.advance(Duration.ofSeconds(1));

    done.cancel();
    done.cancel();

    assertThat(ran).containsExactly("done");
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void advanceMovesTheClockAndTheClockReadsEachTasksDueTimeWhenItRuns() {
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    MutableClock clock = new MutableClock(start);
    ManualScheduler scheduler = new ManualScheduler(clock);
    List<Instant> seen = new ArrayList<>();
    scheduler.schedule(Duration.ofSeconds(2), () -> seen.add(clock.instant()));
    scheduler.schedule(Duration.ofSeconds(4), () -> seen.add(clock.instant()));

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(seen).containsExactly(start.plusSeconds(2), start.plusSeconds(4));
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(10));
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void advancingTheClockAloneRunsNothing() {
    MutableClock clock = new MutableClock();
    ManualScheduler scheduler = new ManualScheduler(clock);
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("task"));

    clock.advance(Duration.ofHours(1));

    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingCount()).isEqualTo(1);
  }

  @Test
  void negativeDelaysAndAdvancesAreRejected() {
    ManualScheduler scheduler = new ManualScheduler();

    assertThatThrownBy(() -> scheduler.schedule(Duration.ofSeconds(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTaskThatThrowsEndsTheAdvanceAndLeavesLaterTasksPending() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("boom");
    });
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("later"));

    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(3))).hasMessage("boom");

    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingCount()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(ran).containsExactly("later");
  }

  @Test
  void anEnormousDelayNeverFallsDueButStaysPending() {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> ran.add("never"));

    scheduler.advance(Duration.ofDays(365 * 100));

    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingCount()).isEqualTo(1);
  }
}

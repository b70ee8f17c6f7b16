package io.switchboard.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchboard.core.broker.Broker;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobConflictException;
import io.switchboard.core.jobs.JobSettings;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Jobs} service on the embedded engine: what a restart keeps, and what the first sweep after it does. */
class JobsAcrossRestartTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final JobSettings SETTINGS = new JobSettings(/* defaultAttempts= */ 3, LEASE, Duration.ofHours(1), 64 * 1024);

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T12:00:00Z"));
  private final List<Job> ended = new CopyOnWriteArrayList<>();
  private ManualScheduler scheduler;
  private EmbeddedEngine engine;
  private Broker broker;
  private Jobs jobs;

  @BeforeEach
  void open() {
    scheduler = new ManualScheduler(clock);
    engine = EmbeddedEngine.open(new EngineContext(dataDir, clock, scheduler, RetentionRules.uniform(RetentionPolicy.DEFAULT),
        Duration.ofMinutes(5), 100, EngineContext.SYNC_EACH_COMMIT));
    broker = new Broker(engine, scheduler, 64 * 1024);
    jobs = new Jobs(engine.jobs(), broker, clock, scheduler, SETTINGS, job -> job.status().wireName() + " " + job.id());
    jobs.onEnded(ended::add);
  }

  @AfterEach
  void close() {
    if (engine != null) {
      jobs.stop();
      broker.shutdown();
      engine.close();
      engine = null;
    }
  }

  private void restart() {
    close();
    open();
  }

  private static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(failed.getCause());
    } catch (Exception failed) {
      throw new AssertionError("no answer", failed);
    }
  }

  private Job submit(int attempts) {
    return done(jobs.submit("images", "payload", OptionalInt.of(attempts), Optional.empty()));
  }

  private Optional<Job> claim() {
    return done(jobs.claim("images", LEASE, Duration.ZERO).result());
  }

  private Job find(String id) {
    return done(jobs.find(id)).orElseThrow(() -> new AssertionError("job " + id + " is unknown"));
  }

  private List<String> publishedEvents(Job job) {
    return done(broker.read(Jobs.channelOf(job), StartPosition.earliest(), 100)).messages().stream()
        .map(Message::event).map(Optional::orElseThrow).toList();
  }

  @Test
  void queuedAndRunningJobsAreThereAfterARestartAndNewJobsQueueBehindThem() {
    Job first = submit(3);
    Job second = submit(3);
    Job running = claim().orElseThrow();
    assertThat(running.id()).isEqualTo(first.id());

    restart();

    assertThat(find(first.id())).isEqualTo(running);
    assertThat(find(second.id())).isEqualTo(second);
    Job third = submit(3);
    assertThat(third.sequence()).isGreaterThan(second.sequence());
    assertThat(claim()).map(Job::id).contains(second.id());
    assertThat(claim()).map(Job::id).contains(third.id());
    assertThat(claim()).isEmpty();
    Job succeeded = done(jobs.complete(first.id(), running.lease().orElseThrow().token(), "done after the restart")).orElseThrow();
    assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
    // Announcements are published once the change is durable, so they may trail the change's answer.
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(publishedEvents(first)).containsExactly("queued", "running", "succeeded"));
  }

  @Test
  void aRunningJobWhoseLeaseRanOutWhileTheEngineWasClosedGoesBackToTheQueueOnTheFirstSweep() {
    Job retried = submit(3);
    Job lastAttempt = submit(1);
    Job later = submit(3);
    Job claimed = claim().orElseThrow();
    claim().orElseThrow();
    close();

    clock.advance(Duration.ofMinutes(5));
    open();

    assertThat(find(retried.id()).status()).as("before the first sweep").isEqualTo(JobStatus.RUNNING);
    assertThatThrownBy(() -> done(jobs.complete(retried.id(), claimed.lease().orElseThrow().token(), "too late")))
        .isInstanceOf(JobConflictException.class).hasMessageContaining("ran out");
    scheduler.advance(Duration.ofSeconds(1));

    await().atMost(Duration.ofSeconds(5)).until(() -> find(retried.id()).status() == JobStatus.QUEUED
        && find(lastAttempt.id()).status() == JobStatus.DEAD);
    assertThat(find(retried.id()).error()).hasValueSatisfying(error -> assertThat(error).contains("lease ran out on attempt 1 of 3"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ended).extracting(Job::id).containsExactly(lastAttempt.id()));
    Job again = claim().orElseThrow();
    assertThat(again.id()).as("back in its old place, before later jobs").isEqualTo(retried.id());
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(claim()).map(Job::id).contains(later.id());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(publishedEvents(retried)).containsExactly("queued", "running", "queued", "running");
      assertThat(publishedEvents(lastAttempt)).containsExactly("queued", "running", "dead");
    });
  }
}

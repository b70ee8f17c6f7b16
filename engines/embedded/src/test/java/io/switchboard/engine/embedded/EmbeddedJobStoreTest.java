package io.switchboard.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.JobStoreContract;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedJobStoreTest extends JobStoreContract {
  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock();
  private EmbeddedEngine engine;

  @Override
  protected JobStore store() {
    if (engine == null) {
      engine = EmbeddedEngine.open(new EngineContext(dataDir, clock, new ManualScheduler(clock), RetentionRules.uniform(RetentionPolicy.DEFAULT),
          Duration.ofMinutes(5), 100, EngineContext.SYNC_EACH_COMMIT));
    }
    return engine.jobs();
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private void restart() {
    engine.close();
    engine = null;
  }

  @Test
  void jobsTheirChangesAndTheirRemovalSurviveARestart() {
    Job queued = submit("emails");
    submit("emails");
    Job running = claim("emails").orElseThrow();
    Job claimedSecond = claim("emails").orElseThrow();
    Job ended = claimedSecond.failed("bad address", NOW + 1);
    replace(ended);
    Job removed = submit("images");
    Job removedEnded = claim("images").orElseThrow().succeeded("ok", NOW);
    replace(removedEnded);
    assertThat(done(store().removeEndedBefore(NOW + 1))).isEqualTo(1);

    restart();

    assertThat(find(queued.id())).isEqualTo(running);
    assertThat(find(ended.id())).isEqualTo(ended);
    assertThat(done(store().find(removed.id()))).isEmpty();
    assertThat(done(store().leasesEndedBy(Long.MAX_VALUE, 10))).containsExactly(running);
    assertThat(done(store().count("emails")).of(JobStatus.FAILED)).isEqualTo(1);
  }

  @Test
  void sequencesGoOnAfterARestartSoOldJobsAreClaimedFirst() {
    Job first = submit("emails");
    Job second = submit("emails");

    restart();
    store().listen((job, before, local) -> {});
    Job third = submit("emails");

    assertThat(third.sequence()).isGreaterThan(second.sequence());
    assertThat(claim("emails")).map(Job::id).contains(first.id());
    assertThat(claim("emails")).map(Job::id).contains(second.id());
    assertThat(claim("emails")).map(Job::id).contains(third.id());
    assertThat(claim("emails")).isEmpty();
  }

  @Test
  void aJobAwaitingItsCallbackIsStillAwaitingItAfterARestart() {
    Job job = submit("emails", Optional.of("https://example.com/done"));
    Job ended = claim("emails").orElseThrow().succeeded("ok", NOW + 1);
    replace(ended);

    restart();

    assertThat(done(store().awaitingCallback(10))).containsExactly(ended);
    assertThat(job.id()).isEqualTo(ended.id());
  }

  @Test
  void aListenerThatThrowsKeepsNoChangeFromCompleting() {
    store().listen((job, before, local) -> {
      throw new IllegalStateException("a broken listener");
    });

    Job job = submit("emails");
    Job claimed = claim("emails").orElseThrow();
    assertThat(claimed.id()).isEqualTo(job.id());
    assertThat(replace(claimed.succeeded("ok", NOW + 1))).isTrue();
  }
}

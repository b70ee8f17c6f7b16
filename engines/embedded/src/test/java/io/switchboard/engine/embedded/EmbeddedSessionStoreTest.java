package io.switchboard.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.session.Session;
import io.switchboard.core.session.SessionStoreContract;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSessionStoreTest extends SessionStoreContract {
  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock();
  private EmbeddedEngine engine;

  @Override
  protected SessionStore store() {
    if (engine == null) {
      engine = EmbeddedEngine.open(new EngineContext(dataDir, clock, new ManualScheduler(clock), RetentionRules.uniform(RetentionPolicy.DEFAULT),
          Duration.ofMinutes(5), 100, EngineContext.SYNC_EACH_COMMIT));
    }
    return engine.sessions();
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
  void sessionsTheirChangesAndTheirDeletionSurviveARestart() {
    Session kept = session("AAAAAAAAAAAAAAAAAAAAAA", NOW);
    Session deleted = session("BBBBBBBBBBBBBBBBBBBBBB", NOW);
    done(store().create(kept));
    done(store().create(deleted));
    Session used = kept.usedAt(NOW + 1_000);
    done(store().update(used));
    done(store().delete(deleted.id()));

    restart();

    assertThat(done(store().find(kept.id(), NOW + 2_000))).contains(used);
    assertThat(done(store().find(deleted.id(), NOW + 2_000))).isEmpty();
    assertThat(done(store().update(deleted))).isFalse();
  }
}

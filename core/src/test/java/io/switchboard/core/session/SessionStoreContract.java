package io.switchboard.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.engine.SessionStore;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every engine's {@link SessionStore} must do; each engine's test extends this with its store.
 */
public abstract class SessionStoreContract {
  protected static final long NOW = 1_000_000;
  private static final long IDLE = 60_000;

  /** The store under test, the same instance for the whole test. */
  protected abstract SessionStore store();

  protected static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception failed) {
      throw new AssertionError("the store did not answer", failed);
    }
  }

  protected static Session session(String id, long lastActiveAt) {
    return new Session(id, List.of(ChannelPattern.of("orders.*")), StreamCursor.since(NOW), NOW, lastActiveAt, IDLE, "");
  }

  @Test
  void aCreatedSessionIsFoundUntilItExpires() {
    Session created = session("AAAAAAAAAAAAAAAAAAAAAA", NOW);
    done(store().create(created));

    assertThat(done(store().find(created.id(), NOW + IDLE - 1))).contains(created);
    assertThat(done(store().find(created.id(), NOW + IDLE))).isEmpty();
    assertThat(done(store().find("BBBBBBBBBBBBBBBBBBBBBB", NOW))).isEmpty();
  }

  @Test
  void anUpdateReplacesTheSession() {
    Session created = session("AAAAAAAAAAAAAAAAAAAAAA", NOW);
    done(store().create(created));
    Session used = created.usedAt(NOW + 5_000);

    assertThat(done(store().update(used))).isTrue();
    assertThat(done(store().find(created.id(), NOW + IDLE + 1))).contains(used);
  }

  @Test
  void anUpdateNeverBringsBackADeletedSession() {
    Session created = session("AAAAAAAAAAAAAAAAAAAAAA", NOW);
    done(store().create(created));

    assertThat(done(store().delete(created.id()))).isTrue();
    assertThat(done(store().update(created.usedAt(NOW + 1)))).isFalse();
    assertThat(done(store().find(created.id(), NOW))).isEmpty();
    assertThat(done(store().delete(created.id()))).isFalse();
  }

  @Test
  void removeExpiredRemovesOnlyExpiredSessions() {
    done(store().create(session("AAAAAAAAAAAAAAAAAAAAAA", NOW)));
    done(store().create(session("BBBBBBBBBBBBBBBBBBBBBB", NOW + 30_000)));

    assertThat(done(store().removeExpired(NOW + IDLE + 1))).isEqualTo(1);
    assertThat(done(store().update(session("AAAAAAAAAAAAAAAAAAAAAA", NOW + IDLE + 2)))).isFalse();
    assertThat(done(store().find("BBBBBBBBBBBBBBBBBBBBBB", NOW + IDLE + 1))).isPresent();
  }
}

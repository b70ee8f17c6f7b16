package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.Message;
import io.switchboard.core.session.Session;
import io.switchboard.core.session.Sessions;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionsOnMemoryEngineTest {
  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final ChannelName ORDERS = ChannelName.of("orders.42");

  private final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T12:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final MemorySessionStore store = new MemorySessionStore();
  private final Sessions sessions = new Sessions(store, clock, scheduler, IDLE);

  @AfterEach
  void stop() {
    sessions.stop();
  }

  private static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(failed);
    } catch (Exception failed) {
      throw new AssertionError(failed);
    }
  }

  private Session create(String... patterns) {
    return done(sessions.create(List.of(patterns).stream().map(ChannelPattern::of).toList(), ""));
  }

  @Test
  void aNewSessionStartsNowWithAnUnguessableIdAndItsDistinctPatterns() {
    Session session = create("orders.*", "chat.lobby", "orders.*");

    assertThat(session.id()).matches("[A-Za-z0-9_-]{22}");
    assertThat(session.patterns()).extracting(ChannelPattern::value).containsExactly("orders.*", "chat.lobby");
    assertThat(session.position()).isEqualTo(StreamCursor.since(clock.millis()));
    assertThat(session.expiresAt()).isEqualTo(clock.millis() + IDLE.toMillis());
    assertThat(create("orders.*").id()).isNotEqualTo(session.id());
  }

  @Test
  void aSessionNeedsOneToSixtyFourPatterns() {
    assertThatThrownBy(() -> create()).isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one");
    String[] tooMany = IntStream.range(0, 65).mapToObj(i -> "c" + i).toArray(String[]::new);
    assertThatThrownBy(() -> create(tooMany)).isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 64");
  }

  @Test
  void aUseIsRecordedOnlyOnceTheLastRecordedUseIsOldEnough() {
    Session session = create("orders.*");
    clock.advance(Duration.ofSeconds(30));

    assertThat(done(sessions.use(session.id())).orElseThrow().lastActiveAt()).isEqualTo(session.lastActiveAt());
    clock.advance(Duration.ofMinutes(1));
    Session used = done(sessions.use(session.id())).orElseThrow();
    assertThat(used.lastActiveAt()).isEqualTo(clock.millis());
    clock.advance(IDLE.minusSeconds(1));
    assertThat(done(sessions.use(session.id()))).isPresent();
  }

  @Test
  void anIdleSessionExpiresAndTheSweepRemovesIt() {
    Session session = create("orders.*");
    clock.advance(IDLE);

    assertThat(done(sessions.use(session.id()))).isEmpty();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(done(store.update(session))).as("the sweep removed it from the store").isFalse();
  }

  @Test
  void acknowledgingMovesThePositionToTheCursor() {
    Session session = create("orders.*");
    Message seen = new Message(ORDERS, Cursor.of(ORDERS, 5, 3), clock.millis(), "x", Optional.empty());
    StreamCursor next = session.position().after(seen);

    Session acknowledged = done(sessions.acknowledge(session.id(), next)).orElseThrow();

    assertThat(acknowledged.position()).isEqualTo(next);
    assertThat(done(sessions.use(session.id())).orElseThrow().position()).isEqualTo(next);
  }

  @Test
  void aCursorOfAChannelTheSessionDoesNotSubscribeToIsRefused() {
    Session session = create("orders.*");
    ChannelName billing = ChannelName.of("billing.7");
    StreamCursor foreign = session.position().after(new Message(billing, Cursor.of(billing, 5, 1), clock.millis(), "x", Optional.empty()));

    assertThatThrownBy(() -> done(sessions.acknowledge(session.id(), foreign)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("billing.7");
    assertThat(done(sessions.use(session.id())).orElseThrow().position()).isEqualTo(session.position());
  }

  @Test
  void aCursorReachingBackBeforeTheSessionBeganIsRefused() {
    Session session = create("orders.*");

    assertThatThrownBy(() -> done(sessions.acknowledge(session.id(), StreamCursor.since(0))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("before this session began");
    assertThat(done(sessions.use(session.id())).orElseThrow().position()).isEqualTo(session.position());
  }

  @Test
  void idsThatCannotBeIdsAreUnknownWithoutAskingTheStore() {
    for (String id : List.of("", "short", "AAAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAA=", "../../etc/passwd", "x".repeat(10_000))) {
      assertThat(done(sessions.use(id))).as(id).isEmpty();
      assertThat(done(sessions.delete(id))).as(id).isFalse();
    }
    assertThat(done(sessions.acknowledge("nope", StreamCursor.since(clock.millis())))).isEmpty();
  }

  @Test
  void deleteEndsTheSessionOnce() {
    Session session = create("orders.*");

    assertThat(done(sessions.delete(session.id()))).isTrue();
    assertThat(done(sessions.delete(session.id()))).isFalse();
    assertThat(done(sessions.use(session.id()))).isEmpty();
  }
}

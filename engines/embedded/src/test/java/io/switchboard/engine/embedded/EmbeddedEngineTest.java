package io.switchboard.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.IdempotencyConflictException;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedEngineTest {
  private static final Instant START = Instant.parse("2024-03-01T12:00:00Z");
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final RetentionPolicy HOUR_OF_1000 = new RetentionPolicy(1_000, Duration.ofHours(1));

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(START);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<Message> heard = Collections.synchronizedList(new ArrayList<>());
  private RetentionRules rules = RetentionRules.uniform(HOUR_OF_1000);
  private Duration idempotencyWindow = Duration.ofMinutes(5);
  private int keysPerChannel = 10_000;
  private EmbeddedEngine engine;

  private EmbeddedEngine engine() {
    if (engine == null) {
      engine = EmbeddedEngine.open(new EngineContext(dataDir, clock, scheduler, rules, idempotencyWindow, keysPerChannel,
          EngineContext.SYNC_EACH_COMMIT));
      engine.listen(heard::add);
    }
    return engine;
  }

  /** Closes the engine and opens it again on the same data directory, as a restart would. */
  private EmbeddedEngine restart() {
    engine().close();
    engine = null;
    return engine();
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  private static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception failed) {
      throw new CompletionException(failed.getCause() != null ? failed.getCause() : failed);
    }
  }

  private Message publish(ChannelName channel, String data) {
    return done(engine().append(channel, Publication.of(data))).message();
  }

  private ReadResult read(ChannelName channel, StartPosition from) {
    return done(engine().read(channel, from, 1_000));
  }

  private static List<String> data(ReadResult result) {
    return result.messages().stream().map(Message::data).toList();
  }

  @Nested
  class Appending {
    @Test
    void offsetsStartAtOneAndIncreaseByOnePerChannel() {
      assertThat(publish(ORDERS, "a").offset()).isEqualTo(1);
      assertThat(publish(ORDERS, "b").offset()).isEqualTo(2);
      assertThat(publish(ChannelName.of("orders.43"), "c").offset()).isEqualTo(1);
    }

    @Test
    void aMessageKeepsItsDataEventAndTheClockTime() {
      Message stored = done(engine().append(ORDERS, new Publication("{\"n\":1} é ✓", Optional.of("created"), Optional.empty()))).message();

      Message read = read(ORDERS, StartPosition.earliest()).messages().get(0);
      assertThat(read).isEqualTo(stored);
      assertThat(read.data()).isEqualTo("{\"n\":1} é ✓");
      assertThat(read.event()).contains("created");
      assertThat(read.time()).isEqualTo(START.toEpochMilli());
    }

    @Test
    void concurrentAppendsShareDiskWritesAndStayGapFreeAndInOrder() {
      int publishers = 8;
      int each = 100;
      engine();
      List<CompletableFuture<Appended>> all = new ArrayList<>();
      IntStream.range(0, publishers).parallel().forEach(p -> {
        List<CompletableFuture<Appended>> mine = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          mine.add(engine().append(ORDERS, Publication.of(p + ":" + i)).toCompletableFuture());
        }
        synchronized (all) {
          all.addAll(mine);
        }
      });
      all.forEach(EmbeddedEngineTest::done);

      ReadResult everything = read(ORDERS, StartPosition.earliest());
      assertThat(everything.messages()).extracting(Message::offset)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, publishers * each).mapToObj(i -> (long) i).toList());
      assertThat(heard).extracting(Message::offset).isSorted().hasSize(publishers * each);
      assertThat(engine().writesPerBatch()).isGreaterThan(1.0);
    }

    @Test
    void theListenerHearsOfAMessageOnlyWhenItIsReadable() {
      List<Long> visibleWhenHeard = Collections.synchronizedList(new ArrayList<>());
      engine().listen(message -> visibleWhenHeard.add(done(engine.describe(ORDERS)).orElseThrow().last().map(Cursor::offset).orElse(0L)));

      publish(ORDERS, "a");
      publish(ORDERS, "b");

      assertThat(visibleWhenHeard).containsExactly(1L, 2L);
    }

    @Test
    void appendingToAClosedEngineFails() {
      engine().close();

      assertThatThrownBy(() -> done(engine.append(ORDERS, Publication.of("late")))).hasCauseInstanceOf(EngineException.class);
      engine = null;
    }
  }

  @Nested
  class AcrossARestart {
    @Test
    void everyMessageIsThereAndIdsContinueWithoutReuse() {
      Message first = publish(ORDERS, "a");
      Message second = publish(ORDERS, "b");

      restart();

      assertThat(read(ORDERS, StartPosition.earliest()).messages()).containsExactly(first, second);
      Message third = publish(ORDERS, "c");
      assertThat(third.offset()).isEqualTo(3);
      assertThat(third.id().epoch()).isEqualTo(first.id().epoch());
      assertThat(third.id().encode()).isGreaterThan(second.id().encode());
    }

    @Test
    void aCursorFromBeforeTheRestartResumesExactly() {
      publish(ORDERS, "a");
      Message second = publish(ORDERS, "b");
      publish(ORDERS, "c");

      restart();

      ReadResult after = read(ORDERS, StartPosition.after(second.id()));
      assertThat(data(after)).containsExactly("c");
      assertThat(after.truncated()).isFalse();
    }

    @Test
    void idempotencyKeysAreRememberedAcrossARestart() {
      Appended first = done(engine().append(ORDERS, new Publication("a", Optional.empty(), Optional.of("key-1"))));

      restart();

      Appended again = done(engine().append(ORDERS, new Publication("a", Optional.empty(), Optional.of("key-1"))));
      assertThat(again.replayed()).isTrue();
      assertThat(again.message()).isEqualTo(first.message());
      assertThatThrownBy(() -> done(engine().append(ORDERS, new Publication("other", Optional.empty(), Optional.of("key-1")))))
          .hasCauseInstanceOf(IdempotencyConflictException.class);
      assertThat(data(read(ORDERS, StartPosition.earliest()))).containsExactly("a");
    }

    @Test
    void retentionPositionsSurviveARestart() {
      rules = RetentionRules.uniform(new RetentionPolicy(2, Duration.ofHours(1)));
      Message a = publish(ORDERS, "a");
      publish(ORDERS, "b");
      publish(ORDERS, "c");

      restart();
      Message d = publish(ORDERS, "d");

      ReadResult everything = read(ORDERS, StartPosition.earliest());
      assertThat(data(everything)).containsExactly("c", "d");
      assertThat(read(ORDERS, StartPosition.after(a.id())).truncation()).contains(d.id().withOffset(2));
    }
  }

  @Nested
  class Reading {
    @Test
    void afterNextGivesOnlyNewerMessagesAndLatestGivesNothing() {
      publish(ORDERS, "a");
      ReadResult first = read(ORDERS, StartPosition.earliest());
      publish(ORDERS, "b");

      assertThat(data(read(ORDERS, StartPosition.after(first.next())))).containsExactly("b");
      ReadResult latest = read(ORDERS, StartPosition.latest());
      assertThat(latest.messages()).isEmpty();
      assertThat(latest.next().offset()).isEqualTo(2);
    }

    @Test
    void aLimitPagesThroughTheChannel() {
      IntStream.rangeClosed(1, 5).forEach(i -> publish(ORDERS, "m" + i));

      ReadResult page = done(engine().read(ORDERS, StartPosition.earliest(), 2));
      ReadResult nextPage = done(engine().read(ORDERS, StartPosition.after(page.next()), 2));
      ReadResult lastPage = done(engine().read(ORDERS, StartPosition.after(nextPage.next()), 2));

      assertThat(data(page)).containsExactly("m1", "m2");
      assertThat(data(nextPage)).containsExactly("m3", "m4");
      assertThat(data(lastPage)).containsExactly("m5");
    }

    @Test
    void aCursorAheadOfTheEndFailsWithInvalidInput() {
      Message only = publish(ORDERS, "a");

      assertThatThrownBy(() -> read(ORDERS, StartPosition.after(only.id().withOffset(5)))).hasCauseInstanceOf(InvalidInputException.class);
    }

    @Test
    void aCursorOfAnotherEpochIsAnsweredWithTruncationFromTheOldest() {
      Message first = publish(ORDERS, "a");
      Cursor stale = new Cursor(first.id().channelTag(), first.id().epoch() == 1 ? 2 : 1, 7);

      ReadResult result = read(ORDERS, StartPosition.after(stale));

      assertThat(result.truncation()).contains(first.id().withOffset(0));
      assertThat(data(result)).containsExactly("a");
    }

    @Test
    void aNeverPublishedChannelReadsEmptyAndCreatesNoState() {
      ReadResult result = read(ChannelName.of("nobody.here"), StartPosition.earliest());

      assertThat(result.messages()).isEmpty();
      assertThat(engine().channelCount()).isZero();
      assertThat(done(engine().describe(ChannelName.of("nobody.here")))).isEmpty();
    }

    @Test
    void theChannelListPagesInNameOrder() {
      for (String name : List.of("c", "a", "b")) {
        publish(ChannelName.of(name), "x");
      }

      ChannelPage first = done(engine().list(Optional.empty(), 2));
      ChannelPage second = done(engine().list(first.next(), 2));

      assertThat(first.channels()).extracting(info -> info.name().value()).containsExactly("a", "b");
      assertThat(second.channels()).extracting(info -> info.name().value()).containsExactly("c");
      assertThat(second.next()).isEmpty();
    }
  }

  @Nested
  class Purging {
    @Test
    void aPurgeRemovesWhatIsRetainedAndIdsGoOnEvenAcrossARestart() {
      List<Message> sent = IntStream.rangeClosed(1, 5).mapToObj(i -> publish(ORDERS, "m" + i)).toList();

      assertThat(done(engine().purge(ORDERS))).isEqualTo(5);

      assertThat(data(read(ORDERS, StartPosition.earliest()))).isEmpty();
      assertThat(done(engine().describe(ORDERS)).orElseThrow().retained()).isZero();
      assertThat(engine().storedMessages(ORDERS)).isZero();
      restart();
      assertThat(data(read(ORDERS, StartPosition.earliest()))).isEmpty();
      Message next = publish(ORDERS, "after");
      assertThat(next.id().offset()).isEqualTo(sent.get(4).id().offset() + 1);
      ReadResult fromBefore = read(ORDERS, StartPosition.after(sent.get(1).id()));
      assertThat(fromBefore.truncated()).isTrue();
      assertThat(data(fromBefore)).containsExactly("after");
    }

    @Test
    void purgingNothingRemovesNothing() {
      assertThat(done(engine().purge(ChannelName.of("never.used")))).isZero();
      publish(ORDERS, "m");
      done(engine().purge(ORDERS));

      assertThat(done(engine().purge(ORDERS))).isZero();
    }
  }

  @Nested
  class Retention {
    @Test
    void countRetentionKeepsTheLastMessagesAndTruncatesOlderCursors() {
      rules = RetentionRules.uniform(new RetentionPolicy(3, Duration.ofHours(1)));
      List<Message> sent = IntStream.rangeClosed(1, 6).mapToObj(i -> publish(ORDERS, "m" + i)).toList();

      assertThat(data(read(ORDERS, StartPosition.earliest()))).containsExactly("m4", "m5", "m6");
      ReadResult fromOld = read(ORDERS, StartPosition.after(sent.get(1).id()));
      assertThat(fromOld.truncation()).contains(sent.get(2).id());
      assertThat(read(ORDERS, StartPosition.after(sent.get(2).id())).truncated()).isFalse();
      ChannelInfo info = done(engine().describe(ORDERS)).orElseThrow();
      assertThat(info.retained()).isEqualTo(3);
      assertThat(info.earliest()).isEqualTo(sent.get(2).id());
    }

    @Test
    void expiredMessagesAreNeverReturnedAndTheSweepDeletesThem() {
      rules = RetentionRules.uniform(new RetentionPolicy(1_000, Duration.ofMinutes(10)));
      publish(ORDERS, "old");
      clock.advance(Duration.ofMinutes(6));
      publish(ORDERS, "new");
      clock.advance(Duration.ofMinutes(5));

      assertThat(data(read(ORDERS, StartPosition.earliest()))).containsExactly("new");
      assertThat(engine().storedMessages(ORDERS)).isEqualTo(2);
      engine().sweep();
      assertThat(engine().storedMessages(ORDERS)).isEqualTo(1);
      restart();
      assertThat(data(read(ORDERS, StartPosition.earliest()))).containsExactly("new");
      assertThat(done(engine().describe(ORDERS)).orElseThrow().retained()).isEqualTo(1);
    }

    @Test
    void theScheduledSweepRunsEveryFewSeconds() throws Exception {
      rules = RetentionRules.uniform(new RetentionPolicy(1_000, Duration.ofSeconds(30)));
      publish(ORDERS, "old");
      clock.advance(Duration.ofSeconds(31));

      scheduler.advance(EmbeddedEngine.SWEEP_INTERVAL);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (engine().storedMessages(ORDERS) != 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(engine().storedMessages(ORDERS)).isZero();
    }

    @Test
    void aChannelEmptyAndIdleForTheForgetDelayIsRemovedAndComesBackWithANewEpoch() {
      rules = RetentionRules.uniform(new RetentionPolicy(1_000, Duration.ofMinutes(1)));
      Message old = publish(ORDERS, "a");
      clock.advance(Duration.ofMinutes(2));
      engine().sweep();
      assertThat(engine().channelCount()).isEqualTo(1);

      clock.advance(EmbeddedEngine.FORGET_EMPTY_AFTER);
      engine().sweep();
      assertThat(engine().channelCount()).isZero();
      restart();
      assertThat(engine().channelCount()).isZero();

      Message reborn = publish(ORDERS, "b");
      assertThat(reborn.id().epoch()).isNotEqualTo(old.id().epoch());
      assertThat(read(ORDERS, StartPosition.after(old.id())).truncated()).isTrue();
    }

    @Test
    void diskSpaceOfDeletedMessagesIsReclaimed() {
      rules = RetentionRules.uniform(new RetentionPolicy(10, Duration.ofHours(1)));
      String payload = "x".repeat(64 * 1024);
      List<CompletableFuture<Appended>> pending = new ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        pending.add(engine().append(ORDERS, Publication.of(i + payload)).toCompletableFuture());
      }
      pending.forEach(EmbeddedEngineTest::done);
      long beforeCompaction = engine().diskBytes();

      engine().compact();

      long afterCompaction = engine().diskBytes();

      assertThat(afterCompaction).isLessThan(4L << 20).isLessThan(beforeCompaction);
      assertThat(read(ORDERS, StartPosition.earliest()).messages()).hasSize(10);
    }
  }

  @Nested
  class Idempotency {
    @Test
    void theSameKeyReplaysTheFirstMessageAndStoresNothing() {
      Publication keyed = new Publication("a", Optional.empty(), Optional.of("k"));
      Appended first = done(engine().append(ORDERS, keyed));
      Appended again = done(engine().append(ORDERS, keyed));

      assertThat(again).isEqualTo(new Appended(first.message(), true));
      assertThat(data(read(ORDERS, StartPosition.earliest()))).containsExactly("a");
    }

    @Test
    void aKeyIsForgottenAfterTheWindowAndByTheCountLimit() {
      keysPerChannel = 2;
      done(engine().append(ORDERS, new Publication("a", Optional.empty(), Optional.of("k1"))));
      done(engine().append(ORDERS, new Publication("b", Optional.empty(), Optional.of("k2"))));
      done(engine().append(ORDERS, new Publication("c", Optional.empty(), Optional.of("k3"))));

      assertThat(done(engine().append(ORDERS, new Publication("a", Optional.empty(), Optional.of("k1")))).replayed()).isFalse();
      clock.advance(idempotencyWindow.plusSeconds(1));
      restart();
      assertThat(done(engine().append(ORDERS, new Publication("c", Optional.empty(), Optional.of("k3")))).replayed()).isFalse();
    }
  }

  @Nested
  class DataDirectory {
    @Test
    void aFileInsteadOfADirectoryIsRefusedWithOneLine() throws IOException {
      Path file = Files.writeString(dataDir.resolve("plain-file"), "hello");

      assertThatThrownBy(() -> openAt(file)).isInstanceOf(EngineException.class).hasMessageContaining("is a file, not a directory");
    }

    @Test
    void aDirectoryUnderAFileCannotBeCreated() throws IOException {
      Path file = Files.writeString(dataDir.resolve("plain-file"), "hello");

      assertThatThrownBy(() -> openAt(file.resolve("data"))).isInstanceOf(EngineException.class).hasMessageContaining("cannot create data-dir");
    }

    @Test
    void aDirectoryOfOtherFilesIsRefused() throws IOException {
      Path other = Files.createDirectories(dataDir.resolve("photos"));
      Files.writeString(other.resolve("cat.jpg"), "meow");

      assertThatThrownBy(() -> openAt(other)).isInstanceOf(EngineException.class).hasMessageContaining("not a Switchboard store");
    }

    @Test
    void aDamagedStoreIsReportedAsDamaged() throws IOException {
      publish(ORDERS, "a");
      engine().close();
      engine = null;
      try (Stream<Path> files = Files.list(dataDir)) {
        for (Path manifest : files.filter(file -> file.getFileName().toString().startsWith("MANIFEST")).toList()) {
          Files.write(manifest, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
      }

      assertThatThrownBy(() -> engine()).isInstanceOf(EngineException.class).hasMessageContaining("is damaged");
    }

    @Test
    void aStoreInUseByAnotherEngineIsRefused() {
      engine();

      assertThatThrownBy(() -> openAt(dataDir)).isInstanceOf(EngineException.class).hasMessageContaining("in use by another");
    }

    private void openAt(Path dir) {
      EmbeddedEngine.open(new EngineContext(dir, clock, scheduler, rules, idempotencyWindow, keysPerChannel, EngineContext.SYNC_EACH_COMMIT))
          .close();
    }
  }
}

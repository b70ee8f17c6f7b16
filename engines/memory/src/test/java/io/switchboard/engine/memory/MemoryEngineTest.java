package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryEngineTest {
  private static final Instant START = Instant.parse("2024-03-01T12:00:00Z");
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final RetentionPolicy HOUR_OF_1000 = new RetentionPolicy(1_000, Duration.ofHours(1));

  private final MutableClock clock = new MutableClock(START);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<Message> heard = Collections.synchronizedList(new ArrayList<>());
  private MemoryEngine engine = open(RetentionRules.uniform(HOUR_OF_1000), Duration.ofMinutes(5), 10_000);

  private MemoryEngine open(RetentionRules rules, Duration idempotencyWindow, int keysPerChannel) {
    MemoryEngine opened = new MemoryEngine(
        new EngineContext(Path.of("unused"), clock, scheduler, rules, idempotencyWindow, keysPerChannel, EngineContext.SYNC_EACH_COMMIT));
    opened.listen(heard::add);
    return opened;
  }

  /** Replaces the default engine by one with other settings. */
  private void reopen(RetentionPolicy policy, Duration idempotencyWindow, int keysPerChannel) {
    engine.close();
    engine = open(RetentionRules.uniform(policy), idempotencyWindow, keysPerChannel);
  }

  private void reopen(RetentionPolicy policy) {
    reopen(policy, Duration.ofMinutes(5), 10_000);
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  /** The memory engine answers before it returns; anything else is a bug. */
  private static <T> T done(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    assertThat(future).isDone();
    return future.join();
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    CompletableFuture<?> future = stage.toCompletableFuture();
    assertThat(future).isCompletedExceptionally();
    try {
      future.join();
    } catch (CompletionException failure) {
      return failure.getCause();
    }
    throw new AssertionError("not failed");
  }

  private Message publish(ChannelName channel, String data) {
    Appended appended = done(engine.append(channel, Publication.of(data)));
    assertThat(appended.replayed()).isFalse();
    return appended.message();
  }

  private Appended publishKeyed(ChannelName channel, String data, String key) {
    return done(engine.append(channel, new Publication(data, Optional.empty(), Optional.of(key))));
  }

  private List<Message> publishAll(ChannelName channel, int count) {
    List<Message> published = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      published.add(publish(channel, "m" + i));
    }
    return published;
  }

  private ReadResult read(ChannelName channel, StartPosition from, int limit) {
    return done(engine.read(channel, from, limit));
  }

  private ReadResult readAfter(Cursor cursor) {
    return read(ORDERS, StartPosition.after(cursor), 1_000);
  }

  private static List<Long> offsets(ReadResult result) {
    return result.messages().stream().map(Message::offset).toList();
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  private static long anotherEpoch(long epoch) {
    return epoch == Cursor.MAX_EPOCH ? 1 : epoch + 1;
  }

  @Nested
  class Appending {
    @Test
    void offsetsStartAtOneAndIncreaseByOnePerChannel() {
      Message first = publish(ORDERS, "a");
      Message second = publish(ORDERS, "b");
      Message elsewhere = publish(ChannelName.of("chat"), "c");

      assertThat(first.offset()).isEqualTo(1);
      assertThat(second.offset()).isEqualTo(2);
      assertThat(second.id().epoch()).isEqualTo(first.id().epoch());
      assertThat(elsewhere.offset()).isEqualTo(1);
      assertThat(first.id().channelTag()).isEqualTo(Cursor.tagOf(ORDERS));
    }

    @Test
    void aMessageKeepsItsDataEventChannelAndTheClockTime() {
      clock.advance(Duration.ofMillis(1_234));

      Message message = done(engine.append(ORDERS, new Publication("caf\u00e9\n", Optional.of("order.created"), Optional.empty())))
          .message();

      assertThat(message.channel()).isEqualTo(ORDERS);
      assertThat(message.data()).isEqualTo("caf\u00e9\n");
      assertThat(message.event()).contains("order.created");
      assertThat(message.time()).isEqualTo(START.toEpochMilli() + 1_234);
    }

    @Test
    void offsetsStayStrictlyIncreasingAndGapFreeWithConcurrentPublishers() throws Exception {
      reopen(new RetentionPolicy(100_000, Duration.ofHours(1)));
      int threads = 8;
      int perThread = 2_000;
      Set<Cursor> ids = Collections.synchronizedSet(new HashSet<>());
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> publishers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          publishers.add(pool.submit(() -> {
            go.await();
            for (int i = 0; i < perThread; i++) {
              ids.add(done(engine.append(ORDERS, Publication.of(thread + ":" + i))).message().id());
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> publisher : publishers) {
          publisher.get(15, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      int total = threads * perThread;

      assertThat(ids).hasSize(total);
      assertThat(ids.stream().map(Cursor::offset).sorted().toList()).isEqualTo(range(1, total));
      ReadResult all = read(ORDERS, StartPosition.earliest(), total);
      assertThat(offsets(all)).isEqualTo(range(1, total));
      assertThat(all.messages()).extracting(message -> message.id().encode()).isSorted();
      assertThat(heard).extracting(Message::offset).isEqualTo(range(1, total));
      // Each publisher's own messages are in the order it published them.
      for (int t = 0; t < threads; t++) {
        String prefix = t + ":";
        List<Integer> sequence = all.messages().stream()
            .map(Message::data)
            .filter(data -> data.startsWith(prefix))
            .map(data -> Integer.parseInt(data.substring(prefix.length())))
            .toList();
        assertThat(sequence).hasSize(perThread).isSorted();
      }
    }

    @Test
    void theListenerHearsEachStoredMessageOnceInChannelOrder() {
      List<Message> published = publishAll(ORDERS, 5);

      assertThat(heard).isEqualTo(published);
    }

    @Test
    void appendingToAClosedEngineFails() {
      engine.close();

      assertThat(engine.isReady()).isFalse();
      assertThat(failureOf(engine.append(ORDERS, Publication.of("late")))).isInstanceOf(EngineException.class)
          .hasMessageContaining("closed");
      assertThat(failureOf(engine.read(ORDERS, StartPosition.earliest(), 10))).isInstanceOf(EngineException.class);
    }

    @Test
    void closingStopsTheSweep() {
      assertThat(engine.isReady()).isTrue();
      assertThat(scheduler.pendingDelays()).containsExactly(MemoryEngine.SWEEP_INTERVAL);

      engine.close();

      assertThat(scheduler.pendingCount()).isZero();
    }
  }

  @Nested
  class Reading {
    @Test
    void fromEarliestGivesEverythingRetainedInOrder() {
      List<Message> published = publishAll(ORDERS, 3);

      ReadResult result = read(ORDERS, StartPosition.earliest(), 10);

      assertThat(result.messages()).isEqualTo(published);
      assertThat(result.next()).isEqualTo(published.get(2).id());
      assertThat(result.truncated()).isFalse();
    }

    @Test
    void fromLatestGivesNothingAndNextAtTheEnd() {
      List<Message> published = publishAll(ORDERS, 3);

      ReadResult result = read(ORDERS, StartPosition.latest(), 10);

      assertThat(result.messages()).isEmpty();
      assertThat(result.next()).isEqualTo(published.get(2).id());
      assertThat(result.truncated()).isFalse();
    }

    @Test
    void afterNextGivesOnlyNewerMessages() {
      publishAll(ORDERS, 3);
      Cursor next = read(ORDERS, StartPosition.latest(), 10).next();
      Message newer = publish(ORDERS, "newer");

      ReadResult result = readAfter(next);

      assertThat(result.messages()).containsExactly(newer);
      assertThat(result.next()).isEqualTo(newer.id());
      assertThat(readAfter(result.next()).messages()).isEmpty();
      assertThat(readAfter(result.next()).next()).isEqualTo(newer.id());
    }

    @Test
    void aLimitPagesThroughTheChannelWithNext() {
      publishAll(ORDERS, 10);

      ReadResult first = read(ORDERS, StartPosition.earliest(), 4);
      ReadResult second = read(ORDERS, StartPosition.after(first.next()), 4);
      ReadResult third = read(ORDERS, StartPosition.after(second.next()), 4);
      ReadResult fourth = read(ORDERS, StartPosition.after(third.next()), 4);

      assertThat(offsets(first)).isEqualTo(range(1, 4));
      assertThat(offsets(second)).isEqualTo(range(5, 8));
      assertThat(offsets(third)).isEqualTo(range(9, 10));
      assertThat(fourth.messages()).isEmpty();
      assertThat(fourth.next()).isEqualTo(third.next());
    }

    @Test
    void afterTheStartOfTheLogGivesEverything() {
      Message first = publish(ORDERS, "a");

      assertThat(readAfter(first.id().withOffset(0)).messages()).containsExactly(first);
      assertThat(readAfter(Cursor.start(ORDERS, Cursor.ANY_EPOCH)).messages()).containsExactly(first);
    }

    @Test
    void aCursorAheadOfTheEndFailsWithInvalidInput() {
      Message last = publishAll(ORDERS, 3).get(2);
      Cursor ahead = last.id().withOffset(4);

      assertThat(failureOf(engine.read(ORDERS, StartPosition.after(ahead), 10)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("cursor " + ahead.encode() + " is ahead of the end of channel orders.42");
    }

    @Test
    void aCursorOfAnUnknownEpochIsAnsweredWithTruncationFromTheOldest() {
      List<Message> published = publishAll(ORDERS, 3);
      Cursor current = published.get(1).id();
      Cursor stale = new Cursor(current.channelTag(), anotherEpoch(current.epoch()), 2);

      ReadResult result = readAfter(stale);

      assertThat(result.truncation()).contains(current.withOffset(0));
      assertThat(result.messages()).isEqualTo(published);
      assertThat(result.next()).isEqualTo(published.get(2).id());
    }

    @Test
    void aCursorOfAnUnknownEpochIsTruncatedEvenWhenItsOffsetIsAheadOfTheEnd() {
      Message only = publish(ORDERS, "a");
      Cursor stale = new Cursor(only.id().channelTag(), anotherEpoch(only.id().epoch()), 1_000);

      ReadResult result = readAfter(stale);

      assertThat(result.truncated()).isTrue();
      assertThat(result.messages()).containsExactly(only);
    }

    @Test
    void aNeverPublishedChannelReadsEmptyAndCreatesNoState() {
      ReadResult earliest = read(ORDERS, StartPosition.earliest(), 10);
      ReadResult latest = read(ORDERS, StartPosition.latest(), 10);
      ReadResult afterStart = readAfter(Cursor.start(ORDERS, Cursor.ANY_EPOCH));

      for (ReadResult result : List.of(earliest, latest, afterStart)) {
        assertThat(result.messages()).isEmpty();
        assertThat(result.truncated()).isFalse();
        assertThat(result.next()).isEqualTo(Cursor.start(ORDERS, Cursor.ANY_EPOCH));
      }
      assertThat(done(engine.list(Optional.empty(), 10)).channels()).isEmpty();
      assertThat(done(engine.describe(ORDERS))).isEmpty();
      assertThat(engine.channelCount()).isZero();
    }

    @Test
    void aPositionOnANeverPublishedChannelFindsTheFirstMessageLater() {
      Cursor next = read(ORDERS, StartPosition.latest(), 10).next();
      Message first = publish(ORDERS, "first");

      ReadResult result = readAfter(next);

      assertThat(result.messages()).containsExactly(first);
      assertThat(result.truncated()).isFalse();
    }

    @Test
    void aCursorWithAnOffsetOnAChannelWithoutLogIsTruncated() {
      Cursor remembered = Cursor.of(ORDERS, 77, 5);

      ReadResult result = readAfter(remembered);

      assertThat(result.messages()).isEmpty();
      assertThat(result.truncation()).contains(Cursor.start(ORDERS, Cursor.ANY_EPOCH));
      assertThat(result.next()).isEqualTo(Cursor.start(ORDERS, Cursor.ANY_EPOCH));
      assertThat(engine.channelCount()).isZero();
    }
  }

  @Nested
  class Purging {
    @Test
    void aPurgeRemovesWhatIsRetainedAndIdsGoOn() {
      List<Message> published = publishAll(ORDERS, 5);

      assertThat(done(engine.purge(ORDERS))).isEqualTo(5);

      assertThat(read(ORDERS, StartPosition.earliest(), 100).messages()).isEmpty();
      assertThat(done(engine.describe(ORDERS)).orElseThrow().retained()).isZero();
      Message next = publish(ORDERS, "after");
      assertThat(next.id().offset()).isEqualTo(published.get(4).id().offset() + 1);
      ReadResult fromBefore = readAfter(published.get(1).id());
      assertThat(fromBefore.truncated()).isTrue();
      assertThat(offsets(fromBefore)).containsExactly(next.id().offset());
    }

    @Test
    void purgingAnUnknownChannelRemovesNothing() {
      assertThat(done(engine.purge(ChannelName.of("never.used")))).isZero();
    }
  }

  @Nested
  class RetentionByCount {
    @Test
    void keepsOnlyTheLastMessages() {
      reopen(new RetentionPolicy(5, Duration.ofHours(1)));
      publishAll(ORDERS, 12);

      ReadResult result = read(ORDERS, StartPosition.earliest(), 100);

      assertThat(offsets(result)).isEqualTo(range(8, 12));
      assertThat(result.truncated()).isFalse();
    }

    @Test
    void aCursorOlderThanWhatIsRetainedIsTruncatedToThePositionBeforeTheOldestRetained() {
      reopen(new RetentionPolicy(5, Duration.ofHours(1)));
      List<Message> published = publishAll(ORDERS, 12);

      ReadResult result = readAfter(published.get(2).id());

      assertThat(result.truncation()).contains(published.get(6).id());
      assertThat(offsets(result)).isEqualTo(range(8, 12));
      assertThat(result.next()).isEqualTo(published.get(11).id());
    }

    @Test
    void theCursorJustBeforeTheOldestRetainedIsNotTruncated() {
      reopen(new RetentionPolicy(5, Duration.ofHours(1)));
      List<Message> published = publishAll(ORDERS, 12);

      ReadResult atEdge = readAfter(published.get(6).id());
      ReadResult pastEdge = readAfter(published.get(5).id());

      assertThat(atEdge.truncated()).isFalse();
      assertThat(offsets(atEdge)).isEqualTo(range(8, 12));
      assertThat(pastEdge.truncation()).contains(published.get(6).id());
    }

    @Test
    void theStartOfTheLogIsTruncatedOnceTheFirstMessageIsEvicted() {
      reopen(new RetentionPolicy(2, Duration.ofHours(1)));
      List<Message> published = publishAll(ORDERS, 3);

      ReadResult result = readAfter(Cursor.start(ORDERS, Cursor.ANY_EPOCH));

      assertThat(result.truncation()).contains(published.get(0).id());
      assertThat(offsets(result)).containsExactly(2L, 3L);
    }

    @Test
    void rulesGiveEachChannelItsOwnLimit() {
      engine.close();
      engine = open(new RetentionRules(HOUR_OF_1000,
          List.of(new RetentionRules.Rule(ChannelPattern.of("orders.>"), new RetentionPolicy(2, Duration.ofHours(1))))),
          Duration.ofMinutes(5), 10_000);
      ChannelName chat = ChannelName.of("chat");
      publishAll(ORDERS, 5);
      publishAll(chat, 5);

      assertThat(offsets(read(ORDERS, StartPosition.earliest(), 100))).containsExactly(4L, 5L);
      assertThat(offsets(read(chat, StartPosition.earliest(), 100))).isEqualTo(range(1, 5));
    }
  }

  @Nested
  class AgainstAModel {
    /**
     * Random publishes, clock moves and reads from random earlier positions, checked against the
     * documented rules: the retained messages are the newest {@code maxMessages} not older than
     * {@code maxAge}; a read after a position older than that is truncated to the position before
     * the oldest retained.
     */
    @Test
    void readsFollowTheRetentionRulesWhateverTheInterleaving() {
      RetentionPolicy policy = new RetentionPolicy(7, Duration.ofSeconds(10));
      reopen(policy);
      SplittableRandom random = new SplittableRandom(99);
      List<Message> all = new ArrayList<>();
      for (int step = 0; step < 3_000; step++) {
        int action = random.nextInt(10);
        if (action < 5) {
          all.add(publish(ORDERS, "s" + step));
        } else if (action < 7) {
          clock.advance(Duration.ofMillis(random.nextLong(0, 4_000)));
        } else if (!all.isEmpty()) {
          long lastOffset = all.size();
          long position = random.nextLong(0, lastOffset + 1);
          int limit = random.nextInt(1, 10);
          long now = clock.millis();
          long firstRetained = Math.max(1, lastOffset - policy.maxMessages() + 1);
          while (firstRetained <= lastOffset && all.get((int) firstRetained - 1).time() < now - policy.maxAge().toMillis()) {
            firstRetained++;
          }
          Cursor cursor = all.get(0).id().withOffset(position);

          ReadResult result = read(ORDERS, StartPosition.after(cursor), limit);

          boolean truncated = position < firstRetained - 1;
          long from = truncated ? firstRetained : position + 1;
          long to = Math.min(lastOffset, from + limit - 1);
          assertThat(result.truncation()).as("step %d", step)
              .isEqualTo(truncated ? Optional.of(cursor.withOffset(firstRetained - 1)) : Optional.empty());
          assertThat(offsets(result)).as("step %d", step).isEqualTo(range(from, to));
          assertThat(result.next()).as("step %d", step).isEqualTo(cursor.withOffset(to >= from ? to : from - 1));
        }
      }
    }
  }

  @Nested
  class RetentionByAge {
    private static final Duration MAX_AGE = Duration.ofMinutes(1);

    @Test
    void expiredMessagesAreNeverReturned() {
      reopen(new RetentionPolicy(1_000, MAX_AGE));
      Message old = publish(ORDERS, "old");
      clock.advance(Duration.ofSeconds(30));
      Message young = publish(ORDERS, "young");
      clock.advance(Duration.ofSeconds(30));

      assertThat(read(ORDERS, StartPosition.earliest(), 10).messages())
          .as("a message exactly max-age old is still retained")
          .containsExactly(old, young);

      clock.advance(Duration.ofMillis(1));

      assertThat(read(ORDERS, StartPosition.earliest(), 10).messages()).containsExactly(young);
      ReadResult fromOld = readAfter(old.id().withOffset(0));
      assertThat(fromOld.truncation()).contains(old.id());
      assertThat(fromOld.messages()).containsExactly(young);
      assertThat(done(engine.describe(ORDERS)).orElseThrow().retained()).isEqualTo(1);
    }

    @Test
    void whenEverythingExpiredTheChannelReadsEmptyWithItsPositionKept() {
      reopen(new RetentionPolicy(1_000, MAX_AGE));
      List<Message> published = publishAll(ORDERS, 3);
      clock.advance(MAX_AGE.plusMillis(1));

      ReadResult earliest = read(ORDERS, StartPosition.earliest(), 10);
      ReadResult fromLast = readAfter(published.get(2).id());
      ReadResult fromFirst = readAfter(published.get(0).id());

      assertThat(earliest.messages()).isEmpty();
      assertThat(earliest.next()).isEqualTo(published.get(2).id());
      assertThat(fromLast.messages()).isEmpty();
      assertThat(fromLast.truncated()).isFalse();
      assertThat(fromFirst.messages()).isEmpty();
      assertThat(fromFirst.truncation()).contains(published.get(2).id());
      assertThat(publish(ORDERS, "after").offset()).isEqualTo(4);
    }

    @Test
    void theSweepForgetsAnEmptyChannelOnceIdleForTheForgetDelay() {
      reopen(new RetentionPolicy(1_000, MAX_AGE));
      Message old = publish(ORDERS, "old");

      // Sweeps run every SWEEP_INTERVAL; the last one here runs one interval before the deadline.
      scheduler.advance(MemoryEngine.FORGET_EMPTY_AFTER.minus(MemoryEngine.SWEEP_INTERVAL));
      assertThat(engine.channelCount()).isEqualTo(1);
      assertThat(done(engine.describe(ORDERS)).orElseThrow().retained()).isZero();

      scheduler.advance(MemoryEngine.SWEEP_INTERVAL);

      assertThat(engine.channelCount()).isZero();
      assertThat(done(engine.list(Optional.empty(), 10)).channels()).isEmpty();
      assertThat(done(engine.describe(ORDERS))).isEmpty();
      ReadResult fromOld = readAfter(old.id());
      assertThat(fromOld.truncated()).isTrue();
      assertThat(fromOld.messages()).isEmpty();
    }

    @Test
    void aForgottenChannelStartsANewIncarnationWithAnotherEpoch() {
      reopen(new RetentionPolicy(1_000, MAX_AGE));
      Message old = publish(ORDERS, "old");
      scheduler.advance(MemoryEngine.FORGET_EMPTY_AFTER);
      assertThat(engine.channelCount()).isZero();

      Message reborn = publish(ORDERS, "reborn");

      assertThat(reborn.offset()).isEqualTo(1);
      assertThat(reborn.id().epoch()).isNotEqualTo(old.id().epoch());
      ReadResult fromOld = readAfter(old.id());
      assertThat(fromOld.truncation()).contains(reborn.id().withOffset(0));
      assertThat(fromOld.messages()).containsExactly(reborn);
    }

    @Test
    void theSweepKeepsAChannelThatRetainsMessages() {
      publish(ORDERS, "kept for an hour");

      scheduler.advance(Duration.ofMinutes(59));

      assertThat(engine.channelCount()).isEqualTo(1);
      assertThat(read(ORDERS, StartPosition.earliest(), 10).messages()).hasSize(1);
    }

    @Test
    void theSweepKeepsAnEmptyChannelThatStillRemembersIdempotencyKeys() {
      reopen(new RetentionPolicy(1_000, MAX_AGE), Duration.ofHours(2), 100);
      Appended first = publishKeyed(ORDERS, "once", "key-1");

      scheduler.advance(MemoryEngine.FORGET_EMPTY_AFTER.plusMinutes(30));
      assertThat(engine.channelCount()).isEqualTo(1);
      assertThat(publishKeyed(ORDERS, "once", "key-1")).isEqualTo(new Appended(first.message(), true));

      scheduler.advance(Duration.ofMinutes(31));
      assertThat(engine.channelCount()).isZero();
    }

    @Test
    void theSweepAppliesAgeRetentionToChannelsNobodyTouches() {
      reopen(new RetentionPolicy(1_000, MAX_AGE));
      publish(ORDERS, "soon gone");

      scheduler.advance(MAX_AGE.plus(MemoryEngine.SWEEP_INTERVAL));

      ChannelInfo info = done(engine.list(Optional.empty(), 10)).channels().get(0);
      assertThat(info.retained()).isZero();
    }
  }

  @Nested
  class Idempotency {
    @Test
    void theSameKeyAndDataReplaysTheFirstMessageAndStoresNothing() {
      Appended first = publishKeyed(ORDERS, "pay 10", "key-1");

      Appended retry = publishKeyed(ORDERS, "pay 10", "key-1");

      assertThat(first.replayed()).isFalse();
      assertThat(retry.replayed()).isTrue();
      assertThat(retry.message()).isEqualTo(first.message());
      assertThat(read(ORDERS, StartPosition.earliest(), 10).messages()).containsExactly(first.message());
      assertThat(heard).containsExactly(first.message());
    }

    @Test
    void theSameKeyWithOtherDataIsAConflictAndStoresNothing() {
      publishKeyed(ORDERS, "pay 10", "key-1");

      assertThat(failureOf(engine.append(ORDERS, new Publication("pay 20", Optional.empty(), Optional.of("key-1")))))
          .isInstanceOf(IdempotencyConflictException.class)
          .hasMessageContaining("key-1")
          .hasMessageContaining("orders.42");
      assertThat(read(ORDERS, StartPosition.earliest(), 10).messages()).hasSize(1);
      assertThat(publish(ORDERS, "next").offset()).isEqualTo(2);
    }

    @Test
    void theSameKeyWithAnotherEventIsAConflict() {
      publishKeyed(ORDERS, "pay 10", "key-1");

      assertThat(failureOf(engine.append(ORDERS, new Publication("pay 10", Optional.of("refund"), Optional.of("key-1")))))
          .isInstanceOf(IdempotencyConflictException.class);
    }

    @Test
    void keysBelongToOneChannel() {
      Appended here = publishKeyed(ORDERS, "pay 10", "key-1");
      Appended there = publishKeyed(ChannelName.of("orders.43"), "pay 10", "key-1");

      assertThat(there.replayed()).isFalse();
      assertThat(there.message().channel()).isNotEqualTo(here.message().channel());
    }

    @Test
    void aKeyIsRememberedForTheWholeWindowAndForgottenAfterIt() {
      Appended first = publishKeyed(ORDERS, "pay 10", "key-1");

      clock.advance(Duration.ofMinutes(5));
      assertThat(publishKeyed(ORDERS, "pay 10", "key-1").replayed()).isTrue();

      clock.advance(Duration.ofMillis(1));
      Appended afterWindow = publishKeyed(ORDERS, "pay 10", "key-1");

      assertThat(afterWindow.replayed()).isFalse();
      assertThat(afterWindow.message().offset()).isEqualTo(first.message().offset() + 1);
    }

    @Test
    void onlyTheNewestKeysPerChannelAreRemembered() {
      reopen(HOUR_OF_1000, Duration.ofMinutes(5), 3);
      for (int i = 1; i <= 4; i++) {
        publishKeyed(ORDERS, "m" + i, "key-" + i);
      }

      assertThat(publishKeyed(ORDERS, "m2", "key-2").replayed()).isTrue();
      assertThat(publishKeyed(ORDERS, "m4", "key-4").replayed()).isTrue();
      Appended forgotten = publishKeyed(ORDERS, "m1", "key-1");

      assertThat(forgotten.replayed()).isFalse();
      assertThat(forgotten.message().offset()).isEqualTo(5);
    }

    @Test
    void aReplayStillAnswersAfterRetentionEvictedTheMessage() {
      reopen(new RetentionPolicy(1, Duration.ofHours(1)));
      Appended first = publishKeyed(ORDERS, "pay 10", "key-1");
      publish(ORDERS, "evicts it");

      Appended retry = publishKeyed(ORDERS, "pay 10", "key-1");

      assertThat(retry).isEqualTo(new Appended(first.message(), true));
    }
  }

  @Nested
  class Listing {
    private void publishTo(String... names) {
      for (String name : names) {
        publish(ChannelName.of(name), "x");
      }
    }

    private List<String> names(ChannelPage page) {
      return page.channels().stream().map(info -> info.name().value()).toList();
    }

    @Test
    void listsChannelsOrderedByName() {
      publishTo("b", "a.z", "a", "c", "B");

      ChannelPage page = done(engine.list(Optional.empty(), 10));

      assertThat(names(page)).containsExactly("B", "a", "a.z", "b", "c");
      assertThat(page.next()).isEmpty();
    }

    @Test
    void pagesThroughChannelsWithNext() {
      publishTo("b", "a.z", "a", "c", "B");

      ChannelPage first = done(engine.list(Optional.empty(), 2));
      ChannelPage second = done(engine.list(first.next(), 2));
      ChannelPage third = done(engine.list(second.next(), 2));

      assertThat(names(first)).containsExactly("B", "a");
      assertThat(first.next()).contains(ChannelName.of("a"));
      assertThat(names(second)).containsExactly("a.z", "b");
      assertThat(second.next()).contains(ChannelName.of("b"));
      assertThat(names(third)).containsExactly("c");
      assertThat(third.next()).isEmpty();
    }

    @Test
    void aFullLastPageHasNoNext() {
      publishTo("a", "b");

      ChannelPage page = done(engine.list(Optional.empty(), 2));

      assertThat(names(page)).containsExactly("a", "b");
      assertThat(page.next()).isEmpty();
    }

    @Test
    void listsAfterANameThatIsNotAChannel() {
      publishTo("a", "b", "c");

      assertThat(names(done(engine.list(Optional.of(ChannelName.of("a.m")), 10)))).containsExactly("b", "c");
      assertThat(names(done(engine.list(Optional.of(ChannelName.of("z")), 10)))).isEmpty();
    }
  }

  @Nested
  class Describing {
    @Test
    void describesWhatIsRetainedAndTheNewestMessage() {
      reopen(new RetentionPolicy(2, Duration.ofHours(1)));
      publish(ORDERS, "1");
      publish(ORDERS, "2");
      clock.advance(Duration.ofSeconds(3));
      Message last = publish(ORDERS, "3");

      ChannelInfo info = done(engine.describe(ORDERS)).orElseThrow();

      assertThat(info.name()).isEqualTo(ORDERS);
      assertThat(info.retained()).isEqualTo(2);
      assertThat(info.earliest()).isEqualTo(last.id().withOffset(1));
      assertThat(info.last()).contains(last.id());
      assertThat(info.lastTime()).contains(START.toEpochMilli() + 3_000);
      assertThat(readAfter(info.earliest()).truncated()).isFalse();
      assertThat(offsets(readAfter(info.earliest()))).containsExactly(2L, 3L);
    }

    @Test
    void describesNothingForAnUnknownChannel() {
      publish(ORDERS, "1");

      assertThat(done(engine.describe(ChannelName.of("orders.43")))).isEmpty();
    }
  }
}

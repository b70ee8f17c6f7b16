package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.ChannelStatus;
import io.switchboard.core.broker.PendingRead;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The broker's behaviour (validation, long polls, shutdown) on the real memory engine, with time in the test's hands. */
class BrokerOnMemoryEngineTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final ChannelName CHAT = ChannelName.of("chat.room-1");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final int SMALL_MAX_MESSAGE_BYTES = 8;

  private final MutableClock clock = new MutableClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private MemoryEngine engine = open(new RetentionPolicy(1_000, Duration.ofHours(1)));
  private Broker broker = new Broker(engine, scheduler, MAX_MESSAGE_BYTES);

  private MemoryEngine open(RetentionPolicy policy) {
    return new MemoryEngine(new EngineContext(Path.of("unused"), clock, scheduler, RetentionRules.uniform(policy),
        Duration.ofMinutes(5), 10_000, EngineContext.SYNC_EACH_COMMIT));
  }

  @AfterEach
  void closeEngine() {
    broker.shutdown();
    engine.close();
  }

  private static <T> T done(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    assertThat(future).isDone();
    return future.join();
  }

  private static boolean isDone(PendingRead pending) {
    return pending.result().toCompletableFuture().isDone();
  }

  private static ReadResult answerOf(PendingRead pending) {
    return done(pending.result());
  }

  private Message publish(ChannelName channel, String data) {
    return done(broker.publish(channel, Publication.of(data))).message();
  }

  private PendingRead await(ChannelName channel, StartPosition from) {
    return broker.await(channel, from, 100, WAIT);
  }

  /** Only the engine's own retention sweep is scheduled: no wait left a timer behind. */
  private void assertNoTimersLeft() {
    assertThat(scheduler.pendingDelays()).containsExactly(MemoryEngine.SWEEP_INTERVAL);
  }

  @Test
  void awaitAnswersAtOnceWhenMessagesAlreadyExistAfterTheCursor() {
    Message first = publish(ORDERS, "1");
    Message second = publish(ORDERS, "2");
    Message third = publish(ORDERS, "3");

    PendingRead pending = await(ORDERS, StartPosition.after(first.id()));

    ReadResult answer = answerOf(pending);
    assertThat(answer.messages()).containsExactly(second, third);
    assertThat(answer.next()).isEqualTo(third.id());
    assertThat(answer.truncated()).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertNoTimersLeft();
  }

  @Test
  void awaitFromEarliestAnswersAtOnceWithWhatIsRetained() {
    Message first = publish(ORDERS, "1");

    assertThat(answerOf(await(ORDERS, StartPosition.earliest())).messages()).containsExactly(first);
  }

  @Test
  void awaitFromLatestIsHeldUntilAPublishAndThenAnswersWithExactlyThatMessage() {
    publish(ORDERS, "before");
    PendingRead pending = await(ORDERS, StartPosition.latest());
    assertThat(isDone(pending)).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isEqualTo(1);

    Message news = publish(ORDERS, "news");

    ReadResult answer = answerOf(pending);
    assertThat(answer.messages()).containsExactly(news);
    assertThat(answer.next()).isEqualTo(news.id());
    assertThat(answer.truncated()).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertNoTimersLeft();
  }

  @Test
  void awaitOnANeverPublishedChannelAnswersWithItsFirstMessage() {
    PendingRead pending = await(ORDERS, StartPosition.latest());
    assertThat(isDone(pending)).isFalse();

    Message first = publish(ORDERS, "first");

    ReadResult answer = answerOf(pending);
    assertThat(answer.messages()).containsExactly(first);
    assertThat(answer.next()).isEqualTo(first.id());
  }

  @Test
  void aPublishOnAnotherChannelDoesNotAnswerTheWait() {
    PendingRead pending = await(ORDERS, StartPosition.latest());

    publish(CHAT, "elsewhere");

    assertThat(isDone(pending)).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isEqualTo(1);
  }

  @Test
  void everyWaiterOnTheChannelHearsThePublish() {
    List<PendingRead> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(await(ORDERS, StartPosition.latest()));
    }
    assertThat(broker.waitingOn(ORDERS)).isEqualTo(5);

    Message news = publish(ORDERS, "news");

    for (PendingRead pending : waiting) {
      assertThat(answerOf(pending).messages()).containsExactly(news);
    }
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertNoTimersLeft();
  }

  @Test
  void atTheEndOfTheWaitAnswersEmptyWithTheSameNext() {
    Message last = publish(ORDERS, "last");
    PendingRead pending = await(ORDERS, StartPosition.after(last.id()));

    scheduler.advance(WAIT.minusMillis(1));
    assertThat(isDone(pending)).isFalse();
    scheduler.advance(Duration.ofMillis(1));

    ReadResult answer = answerOf(pending);
    assertThat(answer.messages()).isEmpty();
    assertThat(answer.next()).isEqualTo(last.id());
    assertThat(answer.truncated()).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void theNextOfAnExpiredWaitResumesWithoutLosingAMessage() {
    publish(ORDERS, "old");
    PendingRead pending = await(ORDERS, StartPosition.latest());
    scheduler.advance(WAIT);
    Cursor next = answerOf(pending).next();

    Message missed = publish(ORDERS, "published between two polls");

    assertThat(answerOf(await(ORDERS, StartPosition.after(next))).messages()).containsExactly(missed);
  }

  @Test
  void aPublishAfterTheWaitEndedChangesNothing() {
    PendingRead pending = await(ORDERS, StartPosition.latest());
    scheduler.advance(WAIT);

    publish(ORDERS, "too late");

    assertThat(answerOf(pending).messages()).isEmpty();
  }

  @Test
  void cancelReleasesTheWaiterAndCancelsTheResult() {
    PendingRead pending = await(ORDERS, StartPosition.latest());
    assertThat(broker.waitingOn(ORDERS)).isEqualTo(1);

    pending.cancel();

    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(pending.result().toCompletableFuture()).isCancelled();
    assertThatThrownBy(() -> pending.result().toCompletableFuture().join()).isInstanceOf(CancellationException.class);
    assertNoTimersLeft();
    publish(ORDERS, "nobody listens");
    scheduler.advance(WAIT);
    assertThat(pending.result().toCompletableFuture()).isCancelled();
  }

  @Test
  void cancellingAnAnsweredWaitChangesNothing() {
    PendingRead pending = await(ORDERS, StartPosition.latest());
    Message news = publish(ORDERS, "news");

    pending.cancel();

    assertThat(answerOf(pending).messages()).containsExactly(news);
  }

  @Test
  void shutdownAnswersAllHeldWaitsAtOnceWithEmptyResults() {
    Message last = publish(ORDERS, "last");
    PendingRead onOrders = await(ORDERS, StartPosition.latest());
    PendingRead afterLast = await(ORDERS, StartPosition.after(last.id()));
    PendingRead onChat = await(CHAT, StartPosition.latest());

    broker.shutdown();

    assertThat(answerOf(onOrders)).isEqualTo(ReadResult.empty(last.id()));
    assertThat(answerOf(afterLast)).isEqualTo(ReadResult.empty(last.id()));
    assertThat(answerOf(onChat)).isEqualTo(ReadResult.empty(Cursor.start(CHAT, Cursor.ANY_EPOCH)));
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(broker.waitingOn(CHAT)).isZero();
    assertThat(broker.isReady()).isFalse();
    assertNoTimersLeft();
  }

  @Test
  void aWaitAfterShutdownAnswersAtOnce() {
    Message last = publish(ORDERS, "last");
    broker.shutdown();

    PendingRead fromLatest = await(ORDERS, StartPosition.latest());
    PendingRead fromEarliest = await(ORDERS, StartPosition.earliest());

    assertThat(answerOf(fromLatest)).isEqualTo(ReadResult.empty(last.id()));
    assertThat(answerOf(fromEarliest).messages()).containsExactly(last);
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertNoTimersLeft();
  }

  @Test
  void shutdownIsIdempotent() {
    PendingRead pending = await(ORDERS, StartPosition.latest());

    broker.shutdown();
    broker.shutdown();

    assertThat(answerOf(pending).messages()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {-1_000, 0, 999, 60_001, 3_600_000})
  void aWaitOutsideOneToSixtySecondsIsRejected(long millis) {
    assertThatThrownBy(() -> broker.await(ORDERS, StartPosition.latest(), 10, Duration.ofMillis(millis)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("wait must be between 1 and 60 seconds");
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {1_000, 60_000})
  void aWaitOfOneOrSixtySecondsIsAccepted(long millis) {
    PendingRead pending = broker.await(ORDERS, StartPosition.latest(), 10, Duration.ofMillis(millis));

    scheduler.advance(Duration.ofMillis(millis - 1));
    assertThat(isDone(pending)).isFalse();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(isDone(pending)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1_001, Integer.MAX_VALUE})
  void aLimitOutsideOneToAThousandIsRejected(int limit) {
    assertThatThrownBy(() -> broker.await(ORDERS, StartPosition.latest(), limit, WAIT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("limit must be between 1 and 1000");
    assertThatThrownBy(() -> broker.read(ORDERS, StartPosition.earliest(), limit))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("limit must be between 1 and 1000");
    assertThatThrownBy(() -> broker.list(Optional.empty(), limit))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("limit must be between 1 and 1000");
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void limitsOfOneAndAThousandAreAccepted() {
    publish(ORDERS, "1");
    publish(ORDERS, "2");

    assertThat(done(broker.read(ORDERS, StartPosition.earliest(), 1)).messages()).hasSize(1);
    assertThat(done(broker.read(ORDERS, StartPosition.earliest(), 1_000)).messages()).hasSize(2);
    assertThat(answerOf(broker.await(ORDERS, StartPosition.earliest(), 1, WAIT)).messages()).hasSize(1);
    assertThat(done(broker.list(Optional.empty(), 1_000)).channels()).hasSize(1);
  }

  @Test
  void aCursorOfAnotherChannelIsRejected() {
    Message onChat = publish(CHAT, "chat");
    StartPosition foreign = StartPosition.after(onChat.id());

    assertThatThrownBy(() -> broker.await(ORDERS, foreign, 10, WAIT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cursor " + onChat.id().encode() + " belongs to another channel than orders.42");
    assertThatThrownBy(() -> broker.read(ORDERS, foreign, 10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("belongs to another channel");
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void aCursorAheadOfTheEndFailsTheWaitAndReleasesIt() {
    Message last = publish(ORDERS, "last");

    PendingRead pending = await(ORDERS, StartPosition.after(last.id().withOffset(5)));

    assertThat(pending.result().toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(() -> pending.result().toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(InvalidInputException.class);
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertNoTimersLeft();
  }

  @ParameterizedTest(name = "[{index}] {0} bytes")
  @CsvSource(delimiter = '|', value = {
      "8 | 12345678",
      "8 | \u00e9\u00e9\u00e9\u00e9",            // 2-byte characters
      "8 | \u20ac\u20acab",                       // 3-byte characters
      "8 | \ud83d\ude00\ud83d\ude00",             // surrogate pairs: 4 bytes each
      "8 | \u20aca\ud83d\ude00",
      "0 | ''",
  })
  void aMessageOfAtMostTheMaximumInUtf8BytesIsStored(int bytes, String data) {
    assertThat(data.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    broker = new Broker(engine, scheduler, SMALL_MAX_MESSAGE_BYTES);

    Message stored = publish(ORDERS, data);

    assertThat(stored.data()).isEqualTo(data);
  }

  @ParameterizedTest(name = "[{index}] {0} bytes in {1} chars")
  @CsvSource(delimiter = '|', value = {
      "9  | 9 | 123456789",
      "9  | 5 | \u00e9\u00e9\u00e9\u00e9a",        // 5 chars but 9 bytes
      "9  | 3 | \u20ac\u20ac\u20ac",              // 3 chars but 9 bytes
      "9  | 5 | \ud83d\ude00\ud83d\ude00a",       // 5 chars but 9 bytes
      "12 | 6 | \ud83d\ude00\ud83d\ude00\ud83d\ude00",
      "9  | 8 | 1234567\u00e9",                   // the last character tips it over
  })
  void aMessageLargerThanTheMaximumInUtf8BytesIsRejectedAndNothingIsStored(int bytes, int chars, String data) {
    assertThat(data.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    assertThat(data).hasSize(chars);
    broker = new Broker(engine, scheduler, SMALL_MAX_MESSAGE_BYTES);
    PendingRead waiting = await(ORDERS, StartPosition.latest());

    assertThatThrownBy(() -> broker.publish(ORDERS, Publication.of(data)))
        .isInstanceOf(MessageTooLargeException.class)
        .hasMessage("message data is larger than the maximum of 8 bytes");

    assertThat(done(broker.read(ORDERS, StartPosition.earliest(), 10)).messages()).isEmpty();
    assertThat(engine.channelCount()).isZero();
    assertThat(isDone(waiting)).isFalse();
  }

  @Test
  void aTruncatedCursorMakesAwaitAnswerAtOnceWithTheTruncation() {
    engine.close();
    engine = open(new RetentionPolicy(3, Duration.ofHours(1)));
    broker = new Broker(engine, scheduler, MAX_MESSAGE_BYTES);
    List<Message> published = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      published.add(publish(ORDERS, "m" + i));
    }

    PendingRead pending = await(ORDERS, StartPosition.after(published.get(0).id()));

    ReadResult answer = answerOf(pending);
    assertThat(answer.truncation()).contains(published.get(1).id());
    assertThat(answer.messages()).containsExactlyElementsOf(published.subList(2, 5));
    assertThat(answer.next()).isEqualTo(published.get(4).id());
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void aCursorOfAForgottenIncarnationMakesAwaitAnswerAtOnceWithTheTruncation() {
    Message old = publish(ORDERS, "old");
    clock.advance(Duration.ofHours(2));
    engine.sweep();
    assertThat(engine.channelCount()).isZero();

    ReadResult answer = answerOf(await(ORDERS, StartPosition.after(old.id())));

    assertThat(answer.truncated()).isTrue();
    assertThat(answer.messages()).isEmpty();
  }

  @Test
  void aWaitHeldWhileItsChannelIsForgottenAndRecreatedAnswersWithTheTruncation() {
    Message old = publish(ORDERS, "old");
    PendingRead pending = await(ORDERS, StartPosition.after(old.id()));
    // Move the clock alone so the wait's timer does not fire, then sweep by hand.
    clock.advance(Duration.ofHours(2));
    engine.sweep();
    assertThat(engine.channelCount()).isZero();

    Message reborn = publish(ORDERS, "reborn");

    ReadResult answer = answerOf(pending);
    assertThat(reborn.id().epoch()).isNotEqualTo(old.id().epoch());
    assertThat(answer.truncation()).contains(reborn.id().withOffset(0));
    assertThat(answer.messages()).containsExactly(reborn);
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void describeCountsLongPollWaiters() {
    assertThat(done(broker.describe(ORDERS))).isEmpty();

    PendingRead pending = await(ORDERS, StartPosition.latest());

    ChannelStatus status = done(broker.describe(ORDERS)).orElseThrow();
    assertThat(status.stored()).isEmpty();
    assertThat(status.subscribers()).isEqualTo(Map.of(ChannelStatus.LONG_POLL, 1));

    Message message = publish(ORDERS, "x");
    status = done(broker.describe(ORDERS)).orElseThrow();
    assertThat(status.stored().orElseThrow().last()).contains(message.id());
    assertThat(status.subscribers()).isEqualTo(Map.of(ChannelStatus.LONG_POLL, 0));
    assertThat(isDone(pending)).isTrue();
  }

  @Test
  void aBrokerNeedsAPositiveMaximumMessageSize() {
    assertThatThrownBy(() -> new Broker(engine, scheduler, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxMessageBytes 0 must be positive");
  }

  @Test
  void isReadyWhileTheEngineIsOpenAndTheBrokerIsNotShuttingDown() {
    assertThat(broker.isReady()).isTrue();

    engine.close();

    assertThat(broker.isReady()).isFalse();
  }
}

package io.switchboard.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * How a waiting read copes with an engine that answers late: the races between its first read,
 * append notifications, its timer, cancel and shutdown.
 */
class BrokerWithScriptedEngineTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final long EPOCH = 7;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ScriptedEngine engine = new ScriptedEngine();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Broker broker = new Broker(engine, scheduler, 16);

  private static Cursor at(long offset) {
    return Cursor.of(ORDERS, EPOCH, offset);
  }

  private static Message message(long epoch, long offset) {
    return new Message(ORDERS, Cursor.of(ORDERS, epoch, offset), 0, "m" + offset, Optional.empty());
  }

  private static Message message(long offset) {
    return message(EPOCH, offset);
  }

  private PendingRead awaitFromLatest() {
    return broker.await(ORDERS, StartPosition.latest(), 10, WAIT);
  }

  /** Issues a wait and answers its first read with "nothing new, you are at {@code offset}". */
  private PendingRead heldAt(long offset) {
    PendingRead pending = awaitFromLatest();
    engine.nextRead().answer().complete(ReadResult.empty(at(offset)));
    assertThat(isDone(pending)).isFalse();
    return pending;
  }

  private static boolean isDone(PendingRead pending) {
    return pending.result().toCompletableFuture().isDone();
  }

  private static ReadResult answerOf(PendingRead pending) {
    CompletableFuture<ReadResult> result = pending.result().toCompletableFuture();
    assertThat(result).isDone();
    return result.join();
  }

  @Test
  void aSlowFirstReadWithNewsAnswersTheWait() {
    PendingRead pending = awaitFromLatest();
    assertThat(isDone(pending)).isFalse();

    ReadResult news = new ReadResult(List.of(message(1)), at(1), Optional.empty());
    engine.nextRead().answer().complete(news);

    assertThat(answerOf(pending)).isEqualTo(news);
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void anAppendAnnouncedBeforeTheFirstReadAnswersIsNotMissed() {
    PendingRead pending = awaitFromLatest();
    ScriptedEngine.Read first = engine.nextRead();

    engine.announce(message(1));
    first.answer().complete(ReadResult.empty(at(0)));

    ScriptedEngine.Read again = engine.nextRead();
    assertThat(again.from()).isEqualTo(StartPosition.after(at(0)));
    assertThat(again.limit()).isEqualTo(10);
    ReadResult news = new ReadResult(List.of(message(1)), at(1), Optional.empty());
    again.answer().complete(news);
    assertThat(answerOf(pending)).isEqualTo(news);
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void theEndOfTheWaitBeforeTheFirstReadAnswersLetsThatReadAnswer() {
    PendingRead pending = awaitFromLatest();
    ScriptedEngine.Read first = engine.nextRead();

    scheduler.advance(WAIT);
    assertThat(isDone(pending)).isFalse();
    first.answer().complete(ReadResult.empty(at(3)));

    assertThat(answerOf(pending)).isEqualTo(ReadResult.empty(at(3)));
    assertThat(broker.waitingOn(ORDERS)).isZero();
  }

  @Test
  void shutdownBeforeTheFirstReadAnswersLetsThatReadAnswerAtOnce() {
    PendingRead pending = awaitFromLatest();
    ScriptedEngine.Read first = engine.nextRead();

    broker.shutdown();
    first.answer().complete(ReadResult.empty(at(3)));

    assertThat(answerOf(pending)).isEqualTo(ReadResult.empty(at(3)));
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void cancelBeforeTheFirstReadAnswersReleasesTheWaiterAndItsTimer() {
    PendingRead pending = awaitFromLatest();
    ScriptedEngine.Read first = engine.nextRead();

    pending.cancel();
    first.answer().complete(new ReadResult(List.of(message(1)), at(1), Optional.empty()));

    assertThat(pending.result().toCompletableFuture()).isCancelled();
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void aFailedFirstReadFailsTheWaitAndReleasesIt() {
    PendingRead pending = awaitFromLatest();

    engine.nextRead().answer().completeExceptionally(new EngineException("connection lost"));

    assertThatThrownBy(() -> pending.result().toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(EngineException.class);
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void anAppendRightAfterThePositionAnswersWithThatMessageWithoutReadingAgain() {
    PendingRead pending = heldAt(4);

    engine.announce(message(5));

    assertThat(answerOf(pending)).isEqualTo(new ReadResult(List.of(message(5)), at(5), Optional.empty()));
    assertThat(engine.unansweredReads()).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void anAppendAfterAGapIsAnsweredByReadingAgainFromThePosition() {
    PendingRead pending = heldAt(4);

    engine.announce(message(6));

    ScriptedEngine.Read again = engine.nextRead();
    assertThat(again.from()).isEqualTo(StartPosition.after(at(4)));
    ReadResult both = new ReadResult(List.of(message(5), message(6)), at(6), Optional.empty());
    again.answer().complete(both);
    assertThat(answerOf(pending)).isEqualTo(both);
  }

  @Test
  void anAppendOfAnotherIncarnationIsAnsweredByReadingAgainSoTheEngineCanReportTruncation() {
    PendingRead pending = heldAt(4);

    engine.announce(message(EPOCH + 1, 5));

    ScriptedEngine.Read again = engine.nextRead();
    Cursor newStart = Cursor.of(ORDERS, EPOCH + 1, 0);
    ReadResult truncated = new ReadResult(List.of(message(EPOCH + 1, 1)), Cursor.of(ORDERS, EPOCH + 1, 1), Optional.of(newStart));
    again.answer().complete(truncated);
    assertThat(answerOf(pending)).isEqualTo(truncated);
  }

  @Test
  void aRereadWithoutNewsKeepsWaitingUntilTheEndOfTheWait() {
    PendingRead pending = heldAt(4);
    engine.announce(message(6));

    engine.nextRead().answer().complete(ReadResult.empty(at(4)));

    assertThat(isDone(pending)).isFalse();
    assertThat(broker.waitingOn(ORDERS)).isEqualTo(1);
    scheduler.advance(WAIT);
    assertThat(answerOf(pending)).isEqualTo(ReadResult.empty(at(4)));
  }

  @Test
  void aFailedRereadFailsTheWait() {
    PendingRead pending = heldAt(4);
    engine.announce(message(6));

    engine.nextRead().answer().completeExceptionally(new EngineException("disk full"));

    assertThatThrownBy(() -> pending.result().toCompletableFuture().join()).hasCauseInstanceOf(EngineException.class);
    assertThat(broker.waitingOn(ORDERS)).isZero();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void theEndOfTheWaitWinsOverARereadStillInFlight() {
    PendingRead pending = heldAt(4);
    engine.announce(message(6));
    ScriptedEngine.Read again = engine.nextRead();

    scheduler.advance(WAIT);
    again.answer().complete(new ReadResult(List.of(message(5), message(6)), at(6), Optional.empty()));

    assertThat(answerOf(pending)).isEqualTo(ReadResult.empty(at(4)));
  }

  @Test
  void aMessageTooLargeNeverReachesTheEngine() {
    assertThatThrownBy(() -> broker.publish(ORDERS, Publication.of("\ud83d\ude00".repeat(4) + "x")))
        .isInstanceOf(MessageTooLargeException.class);

    assertThat(engine.appended()).isEmpty();
  }

  @Test
  void aMessageOfExactlyTheMaximumReachesTheEngine() {
    broker.publish(ORDERS, Publication.of("\ud83d\ude00".repeat(4)));

    assertThat(engine.appended()).hasSize(1);
  }
}

package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.time.Scheduler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One read waiting for news on one channel.
 *
 * <p>It is registered with the broker before its first read is issued, so no append can slip
 * between "read found nothing" and "waiting for appends". Until that read answers, the position
 * is unknown and an append only sets {@code missedAppend}; once it is known, a missed append
 * triggers a fresh read. With the position known, an append that directly follows it answers the
 * read with that message alone; anything else (a gap, a new incarnation) answers by reading again,
 * which lets the engine report truncation.
 *
 * <p>Threads: appends (engine threads), the first read's completion, the timer and cancel race;
 * the small state below is guarded by {@code this}, and {@link #answer} lets only the first
 * outcome through.
 */
final class WaitingRead implements PendingRead {
  private final Broker broker;
  private final ChannelName channel;
  private final int limit;
  private final CompletableFuture<ReadResult> result = new CompletableFuture<>();
  private final AtomicBoolean settled = new AtomicBoolean();

  // Guarded by this.
  private Cursor position;
  private boolean missedAppend;
  private boolean expired;
  private Scheduler.Cancellable timer;

  WaitingRead(Broker broker, ChannelName channel, int limit) {
    this.broker = broker;
    this.channel = channel;
    this.limit = limit;
  }

  ChannelName channel() {
    return channel;
  }

  void start(CompletionStage<ReadResult> firstRead, Scheduler.Cancellable expiryTimer) {
    synchronized (this) {
      timer = expiryTimer;
    }
    if (result.isDone()) {
      expiryTimer.cancel();
      return;
    }
    firstRead.whenComplete((first, failure) -> {
      if (failure != null) {
        fail(failure);
      } else {
        onFirstRead(first);
      }
    });
  }

  /** Answers with whatever {@code read} gives, without waiting (used while shutting down). */
  void finishWith(CompletionStage<ReadResult> read) {
    read.whenComplete((answer, failure) -> {
      if (failure != null) {
        fail(failure);
      } else {
        answer(answer);
      }
    });
  }

  private void onFirstRead(ReadResult first) {
    boolean answerNow;
    boolean readAgain = false;
    synchronized (this) {
      answerNow = first.hasNews() || expired;
      if (!answerNow) {
        position = first.next();
        readAgain = missedAppend;
      }
    }
    if (answerNow) {
      answer(first);
    } else if (readAgain) {
      readAgain();
    }
  }

  void onAppended(Message message) {
    Cursor known;
    synchronized (this) {
      if (position == null) {
        missedAppend = true;
        return;
      }
      known = position;
    }
    if (known.isFromEpoch(message.id().epoch()) && message.offset() == known.offset() + 1) {
      answer(new ReadResult(List.of(message), message.id(), Optional.empty()));
    } else {
      readAgain();
    }
  }

  /** The wait is over: answer with what is known now. */
  void expire() {
    Cursor known;
    synchronized (this) {
      expired = true;
      known = position;
    }
    if (known != null) {
      answer(ReadResult.empty(known));
    }
    // Otherwise the first read has not answered yet; it answers as soon as it does.
  }

  @Override
  public CompletionStage<ReadResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    if (settle()) {
      result.cancel(false);
    }
  }

  private void readAgain() {
    Cursor known;
    synchronized (this) {
      known = position;
    }
    broker.reread(channel, known, limit).whenComplete((answer, failure) -> {
      if (failure != null) {
        fail(failure);
      } else if (answer.hasNews()) {
        answer(answer);
      }
    });
  }

  private void answer(ReadResult answer) {
    if (settle()) {
      result.complete(answer);
    }
  }

  private void fail(Throwable failure) {
    if (settle()) {
      result.completeExceptionally(failure);
    }
  }

  /**
   * Lets only the first outcome through, and releases the wait before the answer goes out, so
   * that whoever receives it never still sees this read counted as waiting.
   */
  private boolean settle() {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    release();
    return true;
  }

  private void release() {
    Scheduler.Cancellable pendingTimer;
    synchronized (this) {
      pendingTimer = timer;
    }
    if (pendingTimer != null) {
      pendingTimer.cancel();
    }
    broker.forget(this);
  }
}

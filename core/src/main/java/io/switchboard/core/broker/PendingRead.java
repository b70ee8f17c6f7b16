package io.switchboard.core.broker;

import io.switchboard.core.message.ReadResult;
import java.util.concurrent.CompletionStage;

/** A read that waits for news. */
public interface PendingRead {
  /** Completes with the answer; never fails because of the wait itself. */
  CompletionStage<ReadResult> result();

  /**
   * Gives up waiting (the client went away): releases the waiter at once. The result stage is
   * then completed exceptionally with a {@link java.util.concurrent.CancellationException}.
   */
  void cancel();
}

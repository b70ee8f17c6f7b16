package io.switchboard.core.jobs;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A claim that may wait for a job to be queued. */
public interface PendingClaim {
  /** Completes with the claimed job, or empty when the wait ended first (or the server is stopping). */
  CompletionStage<Optional<Job>> result();

  /**
   * Gives up waiting, e.g. because the worker went away: the result completes empty, and a job
   * claimed for it in the meantime goes back to the queue without counting as an attempt.
   */
  void cancel();
}

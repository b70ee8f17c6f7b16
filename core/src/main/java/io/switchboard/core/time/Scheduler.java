package io.switchboard.core.time;

import java.time.Duration;

/**
 * Runs a task later. The core never sleeps and never owns threads: the server passes a scheduler
 * backed by its event loops, tests pass one whose time they advance by hand.
 *
 * <p>Tasks must be short and must not block: they may run on an event loop.
 */
public interface Scheduler {
  /** A scheduled task that has not run yet can be cancelled; cancelling later does nothing. */
  interface Cancellable {
    void cancel();
  }

  Cancellable schedule(Duration delay, Runnable task);
}

package io.switchboard.server;

import io.switchboard.core.time.Scheduler;
import io.vertx.core.Vertx;
import java.time.Duration;

/** The core's {@link Scheduler} on Vert.x timers: tasks run on an event loop, no thread waits. */
final class VertxScheduler implements Scheduler {
  private final Vertx vertx;

  VertxScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long timerId = vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
    return () -> vertx.cancelTimer(timerId);
  }
}

package io.switchboard.server.outbound;

import io.vertx.core.Context;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outboxes of one event loop in batches: an {@link Outbox} that has something new to
 * send registers here, and one task on the event loop drains every outbox registered by then.
 *
 * <p>Why: a message published to a channel with a thousand subscribers on this event loop fills a
 * thousand outboxes at once. With a task per outbox, the event loop dispatched a thousand tasks for
 * it, each through Vert.x's context switch; with one pass for all of them it dispatches one.
 *
 * <p>Threads: {@link #schedule} runs on any thread (engine threads deliver); the pass runs on the
 * event loop of the context given, which must be the event loop of every outbox scheduled here.
 * States: idle, or a pass scheduled ({@link #passScheduled}). The flag is cleared before the pass
 * polls the queue, so an outbox registered during a pass is drained by it or by the next one,
 * never by none.
 */
public final class OutboxDrainer {
  private static final Logger log = LoggerFactory.getLogger(OutboxDrainer.class);

  private final Context context;
  private final Queue<Outbox<?>> due = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean passScheduled = new AtomicBoolean();

  /** @param context the event loop's context; the outboxes scheduled here must write on its event loop */
  public OutboxDrainer(Context context) {
    this.context = context;
  }

  /** Drains {@code outbox} in the next pass; any thread. */
  void schedule(Outbox<?> outbox) {
    due.add(outbox);
    if (passScheduled.compareAndSet(false, true)) {
      context.runOnContext(ignored -> drainDue());
    }
  }

  private void drainDue() {
    passScheduled.set(false);
    for (Outbox<?> outbox = due.poll(); outbox != null; outbox = due.poll()) {
      try {
        outbox.drainNow();
      } catch (RuntimeException bug) {
        // One connection's failure must not leave the others of the pass waiting for the next one.
        log.error("an outbox failed to drain; the pass goes on with the others", bug);
      }
    }
  }
}

package io.switchboard.core.engine;

import io.switchboard.core.session.Session;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where an engine keeps sessions: a durable engine keeps them across restarts, a volatile one for
 * as long as the process lives. Stages complete once the change is as durable as the engine's
 * messages are. Like the rest of the SPI it assumes nothing about being the only process: a
 * shared engine implements {@link #update} as a conditional write.
 */
public interface SessionStore {
  /** Stores a new session; its id is unique (the caller draws it at random). */
  CompletionStage<Void> create(Session session);

  /** The session with {@code id}, or empty when there is none or it expired at {@code now}. */
  CompletionStage<Optional<Session>> find(String id, long now);

  /**
   * Replaces the stored session of the same id; false, storing nothing, when there is none (it was
   * deleted or has expired and been removed), so that an update never brings a session back.
   */
  CompletionStage<Boolean> update(Session session);

  /** Removes the session; false when there was none. */
  CompletionStage<Boolean> delete(String id);

  /** Removes every session expired at {@code now}; returns how many. */
  CompletionStage<Integer> removeExpired(long now);
}

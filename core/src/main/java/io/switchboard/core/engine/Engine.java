package io.switchboard.core.engine;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where messages live: the SPI every engine (memory, embedded, redis) implements.
 *
 * <p>Every operation is asynchronous so that an engine may do network or disk I/O; an engine
 * that can answer at once returns a completed stage. Stages may complete on any thread, and
 * their dependents run on it: callers hop to their own threads if they need to.
 *
 * <p>An engine owns ordering and identity: it gives each appended message the next offset of its
 * channel, so ids are strictly increasing per channel and never reused, however many publishers
 * (or, for a shared engine, nodes) append at once. It must not rely on locks in the caller.
 *
 * <p>Failures: operations fail with {@link io.switchboard.core.InvalidInputException} for a cursor
 * the engine cannot place (ahead of the channel's end), and with {@link EngineException} when the
 * engine itself cannot do the work (disk full, connection lost).
 */
public interface Engine {
  /**
   * Stores a message at the end of its channel, applying the channel's retention, and tells the
   * {@link AppendListener} about it. With an idempotency key already seen on this channel within
   * the idempotency window, stores nothing and returns the first message with
   * {@code replayed = true}; with the same key and a different data or event, fails with
   * {@link IdempotencyConflictException}.
   */
  CompletionStage<Appended> append(ChannelName channel, Publication publication);

  /**
   * Reads up to {@code limit} messages from {@code from}. A cursor of an earlier incarnation of
   * the channel's log, or older than what retention holds, is answered with a truncation and the
   * messages from the earliest retained one.
   */
  CompletionStage<ReadResult> read(ChannelName channel, StartPosition from, int limit);

  /**
   * Removes every message {@code channel} retains, as retention would once they were old enough:
   * ids go on from where they were (a cursor into what was removed reads as truncated), and
   * idempotency keys are still remembered. Completes, with how many messages were removed, once
   * the removal is as durable as a publish.
   */
  CompletionStage<Long> purge(ChannelName channel);

  /** What the engine holds for one channel, or empty when it holds nothing. */
  CompletionStage<Optional<ChannelInfo>> describe(ChannelName channel);

  /** Channels the engine holds, ordered by name, starting after {@code after} when given. */
  CompletionStage<ChannelPage> list(Optional<ChannelName> after, int limit);

  /** The engine's store of stateful sessions. */
  SessionStore sessions();

  /** The engine's store of jobs. */
  JobStore jobs();

  /**
   * Registers the one listener told about every appended message, including (for a shared
   * engine) messages appended by other nodes. Call before the first append.
   */
  void listen(AppendListener listener);

  /** Whether the engine can serve requests now (its storage is open and reachable). */
  boolean isReady();

  /** Flushes what was acknowledged and releases the engine's resources. */
  CompletionStage<Void> close();
}

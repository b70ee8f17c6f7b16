package io.switchboard.engine.embedded;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.retention.RetentionPolicy;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletionStage;

/**
 * What the engine keeps in memory about one channel's log: its identity and positions, and the
 * idempotency keys it remembers.
 *
 * <p>Threads: appends, retention and retirement hold the state's lock while they hand out offsets
 * and queue their writes. Readers take no lock: they read {@link #committed}, which only moves
 * forward, and see exactly the messages up to it.
 */
final class ChannelState {
  /** A remembered idempotency key: the message it stored, and when that message is durable. */
  record KeyedPublish(Message message, long usedAt, CompletionStage<Appended> stored) {}

  final ChannelName name;
  final byte[] metaKey;
  final byte[] prefix;
  final long epoch;
  final RetentionPolicy policy;
  /** Oldest first; guarded by this. */
  final LinkedHashMap<String, KeyedPublish> keys = new LinkedHashMap<>();
  /**
   * The first retained offset; above {@link #assigned} when nothing is retained. Written under
   * this lock; readers may read it without, as where to start looking.
   */
  volatile long first;
  /**
   * No retained message is older than this (epoch ms), so the sweep need not look at a channel
   * until it is past the age limit; 0 when not known (after a restart). Guarded by this.
   */
  long firstTimeBound;
  /** The last offset handed out, durable or not. Guarded by this. */
  long assigned;
  /** The time of the last message handed out. Guarded by this. */
  long lastTime;
  /** Set when the sweep removed the channel; appends then go to a new incarnation. Guarded by this. */
  boolean retired;
  private final int tag;
  private volatile long committed;
  private volatile long committedTime;

  ChannelState(ChannelName name, RetentionPolicy policy, Records.ChannelMeta meta) {
    this.name = name;
    this.metaKey = Keys.channel(name);
    this.prefix = Keys.messagePrefix(name);
    this.tag = Cursor.tagOf(name);
    this.epoch = meta.epoch();
    this.policy = policy;
    this.first = meta.first();
    this.assigned = meta.last();
    this.lastTime = meta.lastTime();
    this.committed = meta.last();
    this.committedTime = meta.lastTime();
  }

  Cursor cursorAt(long offset) {
    return new Cursor(tag, epoch, offset);
  }

  byte[] messageKey(long offset) {
    return Keys.message(prefix, offset);
  }

  /** The last offset readers may see. */
  long committed() {
    return committed;
  }

  long committedTime() {
    return committedTime;
  }

  /** Called by the committer, in offset order, once a message is durable. */
  void markCommitted(long offset, long time) {
    committedTime = time;
    committed = offset;
  }

  /** The metadata as it stands after the changes made under the lock. */
  synchronized Records.ChannelMeta meta() {
    return new Records.ChannelMeta(epoch, first, assigned, lastTime);
  }

  @Override
  public String toString() {
    return "ChannelState[" + name + ", epoch " + epoch + "]";
  }
}

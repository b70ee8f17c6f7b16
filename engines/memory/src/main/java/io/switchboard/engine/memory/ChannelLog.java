package io.switchboard.engine.memory;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.AppendListener;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.IdempotencyConflictException;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * One incarnation of a channel's history in memory.
 *
 * <p>Offsets are contiguous: the retained messages hold offsets {@code lastOffset - size + 1}
 * through {@code lastOffset}, so a cursor maps to an index without searching. Retention is applied
 * on every append and read (so answers never include an expired message) and by the engine's
 * sweep (so idle channels give their memory back).
 *
 * <p>Threads: every method synchronizes on the log. Appends notify the listener while holding the
 * lock, which is what keeps notifications in channel order. Once {@link #retireIfIdle} has retired
 * the log it refuses appends, and the engine starts a new incarnation with a new epoch.
 */
final class ChannelLog {
  private final ChannelName name;
  private final int tag;
  private final long epoch;
  private final RetentionPolicy policy;
  private final MessageRing retained = new MessageRing();
  private final LinkedHashMap<String, KeyedPublish> idempotencyKeys = new LinkedHashMap<>();
  private long lastOffset;
  private long lastTime;
  private boolean retired;

  private record KeyedPublish(Message message, String data, Optional<String> event, long time) {}

  ChannelLog(ChannelName name, long epoch, RetentionPolicy policy) {
    this.name = name;
    this.tag = Cursor.tagOf(name);
    this.epoch = epoch;
    this.policy = policy;
  }

  /** Returns null when this log has been retired; the caller then appends to a new one. */
  synchronized Appended append(Publication publication, long now, IdempotencySettings idempotency, AppendListener listener) {
    if (retired) {
      return null;
    }
    evictExpired(now);
    forgetExpiredKeys(now, idempotency);
    Optional<String> key = publication.idempotencyKey();
    if (key.isPresent()) {
      KeyedPublish earlier = idempotencyKeys.get(key.get());
      if (earlier != null) {
        if (!earlier.data().equals(publication.data()) || !earlier.event().equals(publication.event())) {
          throw new IdempotencyConflictException("Idempotency-Key " + key.get() + " was used on channel " + name
              + " for a different message; use a new key for a new message");
        }
        return new Appended(earlier.message(), /* replayed= */ true);
      }
    }
    lastOffset++;
    lastTime = Math.max(lastTime, now);
    Message message = new Message(name, cursorAt(lastOffset), lastTime, publication.data(), publication.event());
    retained.addLast(message);
    while (retained.size() > policy.maxMessages()) {
      retained.removeFirst();
    }
    if (key.isPresent()) {
      idempotencyKeys.put(key.get(), new KeyedPublish(message, publication.data(), publication.event(), now));
      if (idempotencyKeys.size() > idempotency.keysPerChannel()) {
        Iterator<KeyedPublish> oldest = idempotencyKeys.values().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    listener.onAppended(message);
    return new Appended(message, /* replayed= */ false);
  }

  synchronized ReadResult read(StartPosition from, int limit, long now) {
    evictExpired(now);
    long firstOffset = lastOffset - retained.size() + 1;
    Cursor earliest = cursorAt(firstOffset - 1);
    if (from instanceof StartPosition.Latest) {
      return ReadResult.empty(cursorAt(lastOffset));
    }
    if (from instanceof StartPosition.Earliest) {
      return slice(firstOffset, limit, Optional.empty());
    }
    Cursor after = ((StartPosition.After) from).cursor();
    if (!after.isFromEpoch(epoch)) {
      return slice(firstOffset, limit, Optional.of(earliest));
    }
    if (after.offset() > lastOffset) {
      throw new InvalidInputException("cursor " + after.encode() + " is ahead of the end of channel " + name);
    }
    if (after.offset() < firstOffset - 1) {
      return slice(firstOffset, limit, Optional.of(earliest));
    }
    return slice(after.offset() + 1, limit, Optional.empty());
  }

  /** Removes every retained message; offsets go on from the last one. Returns how many were removed. */
  synchronized long purge() {
    long removed = retained.size();
    retained.clear();
    return removed;
  }

  synchronized ChannelInfo describe(long now) {
    evictExpired(now);
    Optional<Cursor> last = lastOffset > 0 ? Optional.of(cursorAt(lastOffset)) : Optional.empty();
    Optional<Long> lastMessageTime = lastOffset > 0 ? Optional.of(lastTime) : Optional.empty();
    return new ChannelInfo(name, retained.size(), cursorAt(lastOffset - retained.size()), last, lastMessageTime);
  }

  /**
   * Applies retention and, when nothing is retained, nothing is remembered and nothing was
   * appended for {@code forgetAfterMillis}, retires the log. Returns whether it retired.
   */
  synchronized boolean retireIfIdle(long now, IdempotencySettings idempotency, long forgetAfterMillis) {
    evictExpired(now);
    forgetExpiredKeys(now, idempotency);
    if (retained.isEmpty() && idempotencyKeys.isEmpty() && now - lastTime >= forgetAfterMillis) {
      retired = true;
    }
    return retired;
  }

  ChannelName name() {
    return name;
  }

  private ReadResult slice(long fromOffset, int limit, Optional<Cursor> truncation) {
    long firstOffset = lastOffset - retained.size() + 1;
    int start = (int) (fromOffset - firstOffset);
    int count = (int) Math.min(limit, retained.size() - (long) start);
    List<Message> messages = new ArrayList<>(Math.max(count, 0));
    for (int i = 0; i < count; i++) {
      messages.add(retained.get(start + i));
    }
    Cursor next = messages.isEmpty() ? cursorAt(fromOffset - 1) : messages.get(messages.size() - 1).id();
    return new ReadResult(messages, next, truncation);
  }

  private void evictExpired(long now) {
    long oldestAllowed = now - policy.maxAge().toMillis();
    while (!retained.isEmpty() && retained.first().time() < oldestAllowed) {
      retained.removeFirst();
    }
  }

  private void forgetExpiredKeys(long now, IdempotencySettings idempotency) {
    long oldestAllowed = now - idempotency.windowMillis();
    Iterator<KeyedPublish> oldestFirst = idempotencyKeys.values().iterator();
    while (oldestFirst.hasNext() && oldestFirst.next().time() < oldestAllowed) {
      oldestFirst.remove();
    }
  }

  private Cursor cursorAt(long offset) {
    return new Cursor(tag, epoch, offset);
  }

  @Override
  public String toString() {
    return "ChannelLog[" + name + ", epoch " + epoch + "]";
  }
}

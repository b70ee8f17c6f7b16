package io.switchboard.engine.embedded;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.AppendListener;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.IdempotencyConflictException;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.time.Scheduler;
import io.switchboard.engine.embedded.GroupCommit.Op;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable engine: channel logs in RocksDB ({@link Store}), written by one {@link GroupCommit}
 * thread so that concurrent appends share a sync.
 *
 * <p>An append is acknowledged (its stage completes, and the listener hears of it) only once its
 * message is durable: synced to disk with the default {@link EngineContext#SYNC_EACH_COMMIT}, or
 * handed to the operating system with a sync interval. A message, its channel's new positions and
 * its idempotency key go to disk in one atomic batch, so after a crash the store holds each
 * acknowledged message and offsets continue after the last one: ids are never reused.
 *
 * <p>Reads run on a small pool of reader threads, through a RocksDB iterator (a consistent view)
 * and up to the channel's committed offset. Retention by count deletes the oldest messages in the
 * same batch as the append that exceeds it; retention by age is applied by every read and, on disk,
 * by the sweep every {@link #SWEEP_INTERVAL}, which also removes channels that have retained
 * nothing for {@link #FORGET_EMPTY_AFTER} and has RocksDB compact away what was deleted, so disk
 * space follows what is retained.
 */
public final class EmbeddedEngine implements Engine {
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
  static final Duration FORGET_EMPTY_AFTER = Duration.ofHours(1);
  /** Deleted messages after which the store is compacted at once; fewer wait for the next interval. */
  static final long COMPACT_AFTER_DELETES = 100_000;
  static final Duration COMPACT_INTERVAL = Duration.ofMinutes(10);
  /**
   * Appends waiting for the disk beyond which new ones are refused (503, retry later) instead of
   * queueing without bound while the disk falls behind.
   */
  static final int MAX_QUEUED_WRITES = 65_536;
  private static final int READER_THREADS = 2;
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);

  private final Store store;
  private final GroupCommit commits;
  private final EmbeddedSessionStore sessions;
  private final EmbeddedJobStore jobs;
  private final EngineContext context;
  private final Clock clock;
  private final ConcurrentSkipListMap<ChannelName, ChannelState> channels = new ConcurrentSkipListMap<>();
  private final ExecutorService readers;
  private final ScheduledExecutorService maintenance;
  private final AtomicLong deletedSinceCompaction = new AtomicLong();
  private volatile long lastCompaction;
  private volatile AppendListener listener = message -> {};
  private volatile boolean open = true;
  private volatile Scheduler.Cancellable sweep;

  private EmbeddedEngine(EngineContext context, Store store) {
    this.context = context;
    this.clock = context.clock();
    this.store = store;
    this.lastCompaction = clock.millis();
    boolean syncEachCommit = context.syncInterval().isZero();
    this.commits = new GroupCommit(store, syncEachCommit);
    this.sessions = new EmbeddedSessionStore(store, commits);
    this.jobs = new EmbeddedJobStore(store, commits);
    this.readers = Executors.newFixedThreadPool(READER_THREADS, daemonThreads("switchboard-embedded-read"));
    this.maintenance = Executors.newSingleThreadScheduledExecutor(daemonThreads("switchboard-embedded-maintenance"));
    if (!syncEachCommit) {
      long every = context.syncInterval().toMillis();
      maintenance.scheduleWithFixedDelay(this::syncWal, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens the store in the context's data directory and loads every channel's position.
   *
   * @throws EngineException with a one-line reason when the directory cannot be used
   */
  public static EmbeddedEngine open(EngineContext context) {
    Store store = Store.open(context.dataDir());
    EmbeddedEngine engine;
    try {
      engine = new EmbeddedEngine(context, store);
    } catch (RuntimeException failed) {
      store.close();
      throw failed;
    }
    try {
      engine.load();
      engine.sessions.load();
      engine.jobs.load();
    } catch (RuntimeException failed) {
      engine.close();
      throw failed;
    }
    engine.scheduleSweep();
    return engine;
  }

  @Override
  public CompletionStage<Appended> append(ChannelName channel, Publication publication) {
    if (!open) {
      return CompletableFuture.failedFuture(new EngineException("the embedded engine is closed"));
    }
    while (true) {
      ChannelState state = channels.computeIfAbsent(channel, this::newChannel);
      synchronized (state) {
        if (!state.retired) {
          return appendTo(state, publication);
        }
      }
      channels.remove(channel, state);
    }
  }

  @Override
  public CompletionStage<ReadResult> read(ChannelName channel, StartPosition from, int limit) {
    return onReader(() -> {
      ChannelState state = channels.get(channel);
      return state == null ? ReadResult.ofMissingChannel(channel, from) : read(state, from, limit);
    });
  }

  @Override
  public CompletionStage<Long> purge(ChannelName channel) {
    if (!open) {
      return CompletableFuture.failedFuture(new EngineException("the embedded engine is closed"));
    }
    ChannelState state = channels.get(channel);
    if (state == null) {
      return CompletableFuture.completedFuture(0L);
    }
    CompletableFuture<Long> purged = new CompletableFuture<>();
    synchronized (state) {
      long upTo = state.committed() + 1;
      if (state.retired || upTo <= state.first) {
        return CompletableFuture.completedFuture(0L);
      }
      long removed = upTo - state.first;
      Op delete = deleteMessages(state, state.first, upTo);
      state.first = upTo;
      state.firstTimeBound = state.lastTime;
      List<Op> ops = List.of(delete, new Op.Put(store.channels, state.metaKey, Records.channelMeta(state.meta())));
      deletedSinceCompaction.addAndGet(removed);
      commits.submit(new GroupCommit.Write(ops, () -> purged.complete(removed), purged::completeExceptionally));
    }
    return purged;
  }

  @Override
  public CompletionStage<Optional<ChannelInfo>> describe(ChannelName channel) {
    return onReader(() -> Optional.ofNullable(channels.get(channel)).map(this::describe));
  }

  @Override
  public CompletionStage<ChannelPage> list(Optional<ChannelName> after, int limit) {
    return onReader(() -> {
      ConcurrentNavigableMap<ChannelName, ChannelState> view = after.isPresent() ? channels.tailMap(after.get(), false) : channels;
      return ChannelPage.of(view.values(), limit, this::describe);
    });
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public void listen(AppendListener newListener) {
    this.listener = newListener;
  }

  @Override
  public boolean isReady() {
    return open && commits.isHealthy();
  }

  @Override
  public synchronized CompletionStage<Void> close() {
    if (!open) {
      return CompletableFuture.completedFuture(null);
    }
    open = false;
    Scheduler.Cancellable pending = sweep;
    if (pending != null) {
      pending.cancel();
    }
    shutDown(maintenance);
    commits.close();
    shutDown(readers);
    syncWal();
    store.close();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Applies age retention on disk, forgets expired idempotency keys, removes channels that have
   * been empty and idle long enough, and compacts when enough was deleted. The scheduled sweep runs
   * this on the maintenance thread; tests call it directly.
   */
  void sweep() {
    long now = clock.millis();
    for (ChannelState state : channels.values()) {
      try {
        expireMessages(state, now);
        forgetIfIdle(state, now);
      } catch (RuntimeException failed) {
        log.warn("the retention sweep of channel {} failed; it is retried in {}", state.name, SWEEP_INTERVAL, failed);
      }
    }
    long deleted = deletedSinceCompaction.get();
    if (deleted >= COMPACT_AFTER_DELETES || (deleted > 0 && now - lastCompaction >= COMPACT_INTERVAL.toMillis())) {
      compact();
    }
  }

  /** Has RocksDB rewrite the messages it holds without what was deleted, giving the space back. */
  void compact() {
    deletedSinceCompaction.set(0);
    lastCompaction = clock.millis();
    try {
      store.flushAll();
      store.db.compactRange(store.messages);
      store.db.compactRange(store.idempotency);
    } catch (RocksDBException failed) {
      log.warn("compacting the embedded store failed; deleted messages keep their disk space until the next try", failed);
    }
  }

  /** Bytes of the store's files in the data directory. */
  long diskBytes() {
    return store.diskBytes();
  }

  /** How many messages of {@code channel} are on disk, expired or not, once queued writes are done. */
  long storedMessages(ChannelName channel) {
    ChannelState state = channels.get(channel);
    if (state == null) {
      return 0;
    }
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    commits.submit(new GroupCommit.Write(List.of(), () -> flushed.complete(null), flushed::completeExceptionally));
    flushed.join();
    long count = 0;
    try (ReadOptions options = new ReadOptions(); RocksIterator messages = store.db.newIterator(store.messages, options)) {
      for (messages.seek(state.messageKey(0)); messages.isValid() && Keys.hasPrefix(messages.key(), state.prefix); messages.next()) {
        count++;
      }
    }
    return count;
  }

  int channelCount() {
    return channels.size();
  }

  /** Writes per disk write on average since the start: above 1 when publishes shared syncs. */
  double writesPerBatch() {
    return commits.writesPerBatch();
  }

  // ---- appends ----

  private CompletionStage<Appended> appendTo(ChannelState state, Publication publication) {
    if (commits.queued() >= MAX_QUEUED_WRITES) {
      return CompletableFuture.failedFuture(new EngineException("the embedded engine has " + MAX_QUEUED_WRITES
          + " writes waiting for the disk; publish again in a moment"));
    }
    long now = clock.millis();
    List<Op> ops = new ArrayList<>(4);
    forgetExpiredKeys(state, now, ops);
    Optional<String> key = publication.idempotencyKey();
    if (key.isPresent()) {
      ChannelState.KeyedPublish earlier = state.keys.get(key.get());
      if (earlier != null) {
        submitQuietly(ops);
        Message first = earlier.message();
        if (!first.data().equals(publication.data()) || !first.event().equals(publication.event())) {
          return CompletableFuture.failedFuture(new IdempotencyConflictException("Idempotency-Key " + key.get()
              + " was used on channel " + state.name + " for a different message; use a new key for a new message"));
        }
        return earlier.stored().thenApply(stored -> new Appended(first, /* replayed= */ true));
      }
    }
    long offset = state.assigned + 1;
    long time = Math.max(state.lastTime, now);
    Message message = new Message(state.name, state.cursorAt(offset), time, publication.data(), publication.event());
    ops.add(new Op.Put(store.messages, state.messageKey(offset), Records.message(message)));
    long first = Math.max(state.first, offset - state.policy.maxMessages() + 1);
    if (first > state.first) {
      ops.add(deleteMessages(state, state.first, first));
    }
    ops.add(new Op.Put(store.channels, state.metaKey, Records.channelMeta(new Records.ChannelMeta(state.epoch, first, offset, time))));
    String evictedKey = null;
    if (key.isPresent()) {
      ops.add(new Op.Put(store.idempotency, Keys.idempotency(state.name, key.get()), Records.keyedMessage(now, message)));
      if (state.keys.size() >= context.idempotencyKeysPerChannel()) {
        evictedKey = state.keys.keySet().iterator().next();
        ops.add(new Op.Delete(store.idempotency, Keys.idempotency(state.name, evictedKey)));
      }
    }
    CompletableFuture<Appended> stored = new CompletableFuture<>();
    AppendListener notify = listener;
    try {
      commits.submit(new GroupCommit.Write(ops, () -> {
        state.markCommitted(offset, time);
        notify.onAppended(message);
        stored.complete(new Appended(message, /* replayed= */ false));
      }, stored::completeExceptionally));
    } catch (EngineException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    deletedSinceCompaction.addAndGet(first - state.first);
    if (state.first > state.assigned) {
      state.firstTimeBound = time;
    }
    state.assigned = offset;
    state.first = first;
    state.lastTime = time;
    if (key.isPresent()) {
      if (evictedKey != null) {
        state.keys.remove(evictedKey);
      }
      state.keys.put(key.get(), new ChannelState.KeyedPublish(message, now, stored));
    }
    return stored;
  }

  private ChannelState newChannel(ChannelName channel) {
    long epoch = ThreadLocalRandom.current().nextLong(1, Cursor.MAX_EPOCH + 1);
    return new ChannelState(channel, context.retention().policyFor(channel), new Records.ChannelMeta(epoch, 1, 0, 0));
  }

  // ---- reads ----

  private ReadResult read(ChannelState state, StartPosition from, int limit) {
    long committed = state.committed();
    if (from instanceof StartPosition.Latest) {
      return ReadResult.empty(state.cursorAt(committed));
    }
    try (ReadOptions options = new ReadOptions(); RocksIterator messages = store.db.newIterator(store.messages, options)) {
      long first = seekFirstRetained(state, messages, committed, clock.millis()).offset();
      Optional<Cursor> truncation = Optional.empty();
      long start = first;
      if (from instanceof StartPosition.After after) {
        Cursor cursor = after.cursor();
        if (!cursor.isFromEpoch(state.epoch) || cursor.offset() < first - 1) {
          truncation = Optional.of(state.cursorAt(first - 1));
        } else if (cursor.offset() > committed) {
          throw new InvalidInputException("cursor " + cursor.encode() + " is ahead of the end of channel " + state.name);
        } else {
          start = cursor.offset() + 1;
          if (start > first) {
            messages.seek(state.messageKey(start));
          }
        }
      }
      List<Message> found = new ArrayList<>(Math.min(limit, 64));
      while (found.size() < limit && messages.isValid() && Keys.hasPrefix(messages.key(), state.prefix)) {
        long offset = Keys.offsetOf(messages.key(), state.prefix.length);
        if (offset > committed) {
          break;
        }
        found.add(Records.message(messages.value()).toMessage(state.name, state.cursorAt(offset)));
        messages.next();
      }
      checkIterator(messages);
      Cursor next = found.isEmpty() ? state.cursorAt(start - 1) : found.get(found.size() - 1).id();
      return new ReadResult(found, next, truncation);
    }
  }

  /** The oldest message a read may return: its offset, and its time ({@link Long#MAX_VALUE} when there is none). */
  private record FirstRetained(long offset, long time) {}

  /**
   * Positions {@code messages} at the channel's oldest message that is neither beyond
   * {@code committed} nor expired; when there is none, the offset is {@code committed + 1}.
   */
  private FirstRetained seekFirstRetained(ChannelState state, RocksIterator messages, long committed, long now) {
    long oldestAllowed = now - state.policy.maxAge().toMillis();
    // Everything before the state's first offset is deleted, or about to be: start there, not at
    // the deletion markers RocksDB would otherwise step over until it compacts them away.
    messages.seek(state.messageKey(state.first));
    while (messages.isValid() && Keys.hasPrefix(messages.key(), state.prefix)) {
      long offset = Keys.offsetOf(messages.key(), state.prefix.length);
      if (offset > committed) {
        break;
      }
      long time = Records.messageTime(messages.value());
      if (time >= oldestAllowed) {
        return new FirstRetained(offset, time);
      }
      messages.next();
    }
    checkIterator(messages);
    return new FirstRetained(committed + 1, Long.MAX_VALUE);
  }

  private ChannelInfo describe(ChannelState state) {
    long committed = state.committed();
    long first;
    try (ReadOptions options = new ReadOptions(); RocksIterator messages = store.db.newIterator(store.messages, options)) {
      first = seekFirstRetained(state, messages, committed, clock.millis()).offset();
    }
    Optional<Cursor> last = committed > 0 ? Optional.of(state.cursorAt(committed)) : Optional.empty();
    Optional<Long> lastTime = committed > 0 ? Optional.of(state.committedTime()) : Optional.empty();
    return new ChannelInfo(state.name, committed - first + 1, state.cursorAt(first - 1), last, lastTime);
  }

  // ---- retention ----

  private void expireMessages(ChannelState state, long now) {
    long oldestAllowed = now - state.policy.maxAge().toMillis();
    synchronized (state) {
      if (state.firstTimeBound >= oldestAllowed) {
        return;
      }
    }
    FirstRetained retained;
    try (ReadOptions options = new ReadOptions(); RocksIterator messages = store.db.newIterator(store.messages, options)) {
      retained = seekFirstRetained(state, messages, state.committed(), now);
    }
    synchronized (state) {
      if (state.retired || retained.offset() <= state.first) {
        state.firstTimeBound = Math.max(state.firstTimeBound, Math.min(retained.time(), state.lastTime));
        return;
      }
      List<Op> ops = new ArrayList<>(2);
      ops.add(deleteMessages(state, state.first, retained.offset()));
      deletedSinceCompaction.addAndGet(retained.offset() - state.first);
      state.first = retained.offset();
      state.firstTimeBound = Math.min(retained.time(), state.lastTime);
      ops.add(new Op.Put(store.channels, state.metaKey, Records.channelMeta(state.meta())));
      submitQuietly(ops);
    }
  }

  private void forgetIfIdle(ChannelState state, long now) {
    synchronized (state) {
      List<Op> ops = new ArrayList<>();
      forgetExpiredKeys(state, now, ops);
      boolean empty = state.first > state.assigned && state.committed() == state.assigned;
      if (empty && state.keys.isEmpty() && now - state.lastTime >= FORGET_EMPTY_AFTER.toMillis()) {
        state.retired = true;
        ops.add(new Op.Delete(store.channels, state.metaKey));
        channels.remove(state.name, state);
      }
      submitQuietly(ops);
    }
  }

  private void forgetExpiredKeys(ChannelState state, long now, List<Op> ops) {
    long oldestAllowed = now - context.idempotencyWindow().toMillis();
    Iterator<Map.Entry<String, ChannelState.KeyedPublish>> oldestFirst = state.keys.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<String, ChannelState.KeyedPublish> entry = oldestFirst.next();
      if (entry.getValue().usedAt() >= oldestAllowed) {
        return;
      }
      ops.add(new Op.Delete(store.idempotency, Keys.idempotency(state.name, entry.getKey())));
      oldestFirst.remove();
    }
  }

  private Op deleteMessages(ChannelState state, long fromOffset, long toOffset) {
    if (toOffset - fromOffset == 1) {
      return new Op.Delete(store.messages, state.messageKey(fromOffset));
    }
    return new Op.DeleteRange(store.messages, state.messageKey(fromOffset), state.messageKey(toOffset));
  }

  /** Queues housekeeping writes nobody waits for; a failure is logged and retried by the next sweep. */
  private void submitQuietly(List<Op> ops) {
    if (ops.isEmpty()) {
      return;
    }
    commits.submit(new GroupCommit.Write(ops, () -> {},
        failed -> log.warn("housekeeping write to the embedded store failed: {}", failed.getMessage())));
  }

  // ---- start-up, threads ----

  /** Loads every channel's metadata and remembered idempotency keys. */
  private void load() {
    try (ReadOptions options = new ReadOptions(); RocksIterator metas = store.db.newIterator(store.channels, options)) {
      for (metas.seekToFirst(); metas.isValid(); metas.next()) {
        ChannelName name = Keys.channelOf(metas.key());
        channels.put(name, new ChannelState(name, context.retention().policyFor(name), Records.channelMeta(metas.value())));
      }
      checkIterator(metas);
    }
    List<Object[]> keyed = new ArrayList<>();
    try (ReadOptions options = new ReadOptions(); RocksIterator keys = store.db.newIterator(store.idempotency, options)) {
      for (keys.seekToFirst(); keys.isValid(); keys.next()) {
        String[] channelAndKey = Keys.splitIdempotency(keys.key());
        keyed.add(new Object[] {channelAndKey[0], channelAndKey[1], Records.keyedMessage(keys.value())});
      }
      checkIterator(keys);
    }
    keyed.sort(Comparator.comparingLong(entry -> ((Records.KeyedMessage) entry[2]).usedAt()));
    for (Object[] entry : keyed) {
      ChannelState state = channels.get(ChannelName.of((String) entry[0]));
      Records.KeyedMessage record = (Records.KeyedMessage) entry[2];
      if (state != null) {
        Message message = record.message().toMessage(state.name, state.cursorAt(record.offset()));
        state.keys.put((String) entry[1], new ChannelState.KeyedPublish(message, record.usedAt(),
            CompletableFuture.completedFuture(new Appended(message, false))));
      }
    }
  }

  private void scheduleSweep() {
    sweep = context.scheduler().schedule(SWEEP_INTERVAL, () -> {
      if (!open) {
        return;
      }
      try {
        maintenance.execute(() -> {
          if (open) {
            sweep();
          }
        });
      } catch (RejectedExecutionException closing) {
        return;
      }
      scheduleSweep();
    });
  }

  private void syncWal() {
    try {
      store.db.syncWal();
    } catch (RocksDBException failed) {
      log.error("syncing the embedded engine's write-ahead log failed", failed);
    }
  }

  private <T> CompletionStage<T> onReader(Supplier<T> work) {
    if (!open) {
      return CompletableFuture.failedFuture(new EngineException("the embedded engine is closed"));
    }
    try {
      return CompletableFuture.supplyAsync(work, readers);
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.failedFuture(new EngineException("the embedded engine is closed"));
    }
  }

  private static void checkIterator(RocksIterator iterator) {
    try {
      iterator.status();
    } catch (RocksDBException failed) {
      throw new EngineException("reading the embedded store failed: " + failed.getMessage(), failed);
    }
  }

  private static void shutDown(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("embedded engine threads did not finish within 30 s");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return work -> {
      Thread thread = new Thread(work, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

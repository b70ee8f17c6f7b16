package io.switchboard.engine.embedded;

import io.switchboard.core.engine.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to the store. Writes queue up while a write is in progress and then
 * go to disk together, in one batch and (when syncing each commit) one sync: concurrent publishers
 * share the cost of durability instead of paying one sync each.
 *
 * <p>Writes run in the order they were submitted, and each write's {@code onDurable} runs on this
 * thread after its batch is stored, in that order. The engine relies on this: it submits a
 * channel's appends under the channel's lock, so their notifications come in channel order.
 *
 * <p>After a failed write the committer refuses every later write: offsets handed out for the
 * failed batch are lost, and carrying on would leave gaps that readers take for truncation.
 */
final class GroupCommit implements AutoCloseable {
  /** The most writes stored in one batch; more wait for the next one. */
  static final int MAX_BATCH = 4_096;

  /** One change to the store. */
  sealed interface Op {
    record Put(ColumnFamilyHandle family, byte[] key, byte[] value) implements Op {}

    record Delete(ColumnFamilyHandle family, byte[] key) implements Op {}

    /** Deletes the keys from {@code from} (inclusive) to {@code to} (exclusive). */
    record DeleteRange(ColumnFamilyHandle family, byte[] from, byte[] to) implements Op {}
  }

  /** Changes stored together, and what to do once they are durable or have failed. */
  record Write(List<Op> ops, Runnable onDurable, Consumer<EngineException> onFailed) {}

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final Write STOP = new Write(List.of(), () -> {}, failure -> {});

  private final Store store;
  private final WriteOptions options;
  private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile EngineException failure;
  private volatile boolean stopping;
  private long batches;
  private long writes;

  GroupCommit(Store store, boolean syncEachCommit) {
    this.store = store;
    this.options = new WriteOptions().setSync(syncEachCommit);
    this.thread = new Thread(this::run, "switchboard-group-commit");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues a write. Call it under whatever lock orders the writes that must stay in order.
   *
   * @throws EngineException when the committer has stopped or failed
   */
  void submit(Write write) {
    EngineException failed = failure;
    if (failed != null) {
      throw failed;
    }
    synchronized (queue) {
      if (stopping) {
        throw new EngineException("the embedded engine is closed");
      }
      queue.add(write);
    }
  }

  /** Writes waiting for the committer. */
  int queued() {
    return queue.size();
  }

  boolean isHealthy() {
    return failure == null && !stopping;
  }

  /** How many writes went out per batch on average: 1 means no sharing at all. */
  synchronized double writesPerBatch() {
    return batches == 0 ? 0 : (double) writes / batches;
  }

  /** Stores what was queued before this call, then stops the thread. */
  @Override
  public void close() {
    synchronized (queue) {
      if (stopping) {
        return;
      }
      stopping = true;
      queue.add(STOP);
    }
    try {
      thread.join();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    options.close();
  }

  private void run() {
    List<Write> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException interrupted) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean stop = batch.remove(STOP);
      if (!batch.isEmpty()) {
        commit(batch);
      }
      batch.clear();
      if (stop) {
        failRemaining();
        return;
      }
    }
  }

  private void commit(List<Write> batch) {
    if (failure != null) {
      batch.forEach(write -> write.onFailed().accept(failure));
      return;
    }
    try (WriteBatch writeBatch = new WriteBatch()) {
      for (Write write : batch) {
        for (Op op : write.ops()) {
          apply(writeBatch, op);
        }
      }
      store.db.write(options, writeBatch);
    } catch (RocksDBException failed) {
      failure = new EngineException("the embedded engine could not write to data-dir " + store.dir() + " ("
          + failed.getMessage() + "); it accepts no more publishes until restarted", failed);
      batch.forEach(write -> write.onFailed().accept(failure));
      return;
    }
    synchronized (this) {
      batches++;
      writes += batch.size();
    }
    for (Write write : batch) {
      try {
        write.onDurable().run();
      } catch (RuntimeException failed) {
        log.error("a callback after a durable write failed", failed);
      }
    }
  }

  private void failRemaining() {
    EngineException closed = new EngineException("the embedded engine is closed");
    List<Write> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(write -> write.onFailed().accept(closed));
  }

  private static void apply(WriteBatch batch, Op op) throws RocksDBException {
    if (op instanceof Op.Put put) {
      batch.put(put.family(), put.key(), put.value());
    } else if (op instanceof Op.Delete delete) {
      batch.delete(delete.family(), delete.key());
    } else if (op instanceof Op.DeleteRange range) {
      batch.deleteRange(range.family(), range.from(), range.to());
    }
  }
}

package io.switchboard.engine.embedded;

import io.switchboard.core.engine.EngineException;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.JobTable;
import io.switchboard.core.jobs.JobTableStore;
import io.switchboard.core.jobs.Lease;
import io.switchboard.engine.embedded.GroupCommit.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Jobs in the store's {@code jobs} column family, with every stored job also held in a
 * {@link JobTable} (ended jobs leave it after their retention), so that claims and lookups never
 * wait for the disk. A change is made in the table and its write queued to the group commit in
 * one step under the table's lock, so the disk sees changes in the table's order; the stage
 * completes, and the listener is told, on the commit thread once the change is durable, in that
 * same order.
 *
 * <p>A change that fails to reach the disk stays in the table, but the group commit then refuses
 * every later write and the engine reports itself not ready: the process must restart, and the
 * disk is the truth after it.
 */
final class EmbeddedJobStore extends JobTableStore {
  private final Store store;
  private final GroupCommit commits;

  EmbeddedJobStore(Store store, GroupCommit commits) {
    this.store = store;
    this.commits = commits;
  }

  /** Loads every stored job; called once at start-up. */
  void load() {
    try (ReadOptions options = new ReadOptions(); RocksIterator stored = store.db.newIterator(store.jobs, options)) {
      for (stored.seekToFirst(); stored.isValid(); stored.next()) {
        try {
          table.restore(Job.decode(stored.value()));
        } catch (IllegalArgumentException damaged) {
          throw new EngineException("data-dir " + store.dir() + " holds a job record this version cannot read: " + damaged.getMessage());
        }
      }
      stored.status();
    } catch (RocksDBException failed) {
      throw new EngineException("reading jobs from data-dir " + store.dir() + " failed: " + failed.getMessage(), failed);
    }
  }

  @Override
  public CompletionStage<Job> submit(Job job) {
    CompletableFuture<Job> durable = new CompletableFuture<>();
    synchronized (table) {
      Job placed = table.submit(job);
      write(placed, Optional.empty(), durable, placed);
    }
    return durable;
  }

  @Override
  public CompletionStage<Optional<Job>> claim(String queue, Lease lease, long now) {
    CompletableFuture<Optional<Job>> durable = new CompletableFuture<>();
    synchronized (table) {
      Optional<Job> claimed = table.claim(queue, lease, now);
      if (claimed.isEmpty()) {
        return CompletableFuture.completedFuture(claimed);
      }
      write(claimed.get(), Optional.of(JobStatus.QUEUED), durable, claimed);
    }
    return durable;
  }

  @Override
  public CompletionStage<Boolean> replace(Job changed) {
    CompletableFuture<Boolean> durable = new CompletableFuture<>();
    synchronized (table) {
      Optional<JobStatus> before = table.find(changed.id()).map(Job::status);
      if (!table.replace(changed)) {
        return CompletableFuture.completedFuture(false);
      }
      write(changed, before, durable, true);
    }
    return durable;
  }

  @Override
  public CompletionStage<Integer> removeEndedBefore(long time) {
    CompletableFuture<Integer> durable = new CompletableFuture<>();
    synchronized (table) {
      List<Job> removed = table.removeEndedBefore(time);
      if (removed.isEmpty()) {
        return CompletableFuture.completedFuture(0);
      }
      List<Op> deletes = removed.stream().<Op>map(job -> new Op.Delete(store.jobs, key(job.id()))).toList();
      submit(new GroupCommit.Write(deletes, () -> durable.complete(removed.size()), durable::completeExceptionally), durable);
    }
    return durable;
  }

  private <T> void write(Job job, Optional<JobStatus> before, CompletableFuture<T> durable, T value) {
    Runnable onDurable = () -> {
      // The change is stored whatever the listener does: a listener that throws (the group commit
      // logs it) must not leave the caller's stage unanswered for ever.
      try {
        listener().changed(job, before, /* local= */ true);
      } finally {
        durable.complete(value);
      }
    };
    submit(new GroupCommit.Write(List.of(new Op.Put(store.jobs, key(job.id()), job.encode())), onDurable,
        durable::completeExceptionally), durable);
  }

  private void submit(GroupCommit.Write write, CompletableFuture<?> durable) {
    try {
      commits.submit(write);
    } catch (EngineException refused) {
      durable.completeExceptionally(refused);
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.US_ASCII);
  }
}

package io.switchboard.engine.memory;

import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.JobTable;
import io.switchboard.core.jobs.JobTableStore;
import io.switchboard.core.jobs.Lease;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jobs in a {@link JobTable}: they last as long as the process.
 *
 * <p>The listener is told of changes in the order the table made them, one call at a time, and
 * never inside the table's lock: each change is queued inside the lock, and whichever thread
 * finds no one else telling the listener tells it everything queued. A listener that changes a
 * job in turn (a woken claim) queues that change behind the one it is being told about.
 */
final class MemoryJobStore extends JobTableStore {
  private record Change(Job job, Optional<JobStatus> before) {}

  private final Queue<Change> untold = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean telling = new AtomicBoolean();

  @Override
  public CompletionStage<Job> submit(Job job) {
    Job placed;
    synchronized (table) {
      placed = table.submit(job);
      untold.add(new Change(placed, Optional.empty()));
    }
    tell();
    return CompletableFuture.completedFuture(placed);
  }

  @Override
  public CompletionStage<Optional<Job>> claim(String queue, Lease lease, long now) {
    Optional<Job> claimed;
    synchronized (table) {
      claimed = table.claim(queue, lease, now);
      claimed.ifPresent(job -> untold.add(new Change(job, Optional.of(JobStatus.QUEUED))));
    }
    tell();
    return CompletableFuture.completedFuture(claimed);
  }

  @Override
  public CompletionStage<Boolean> replace(Job changed) {
    boolean replaced;
    synchronized (table) {
      Optional<JobStatus> before = table.find(changed.id()).map(Job::status);
      replaced = table.replace(changed);
      if (replaced) {
        untold.add(new Change(changed, before));
      }
    }
    tell();
    return CompletableFuture.completedFuture(replaced);
  }

  @Override
  public CompletionStage<Integer> removeEndedBefore(long time) {
    return CompletableFuture.completedFuture(table.removeEndedBefore(time).size());
  }

  private void tell() {
    while (!untold.isEmpty() && telling.compareAndSet(false, true)) {
      try {
        for (Change change = untold.poll(); change != null; change = untold.poll()) {
          listener().changed(change.job(), change.before(), /* local= */ true);
        }
      } finally {
        telling.set(false);
      }
    }
  }
}

package io.switchboard.core.jobs;

import io.switchboard.core.engine.JobListener;
import io.switchboard.core.engine.JobStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The read side of a {@link JobStore} whose jobs are all in a {@link JobTable}: lookups answer at
 * once from the table. Subclasses make the changes (and whatever makes them durable) and tell
 * {@link #listener()} about each.
 */
public abstract class JobTableStore implements JobStore {
  protected final JobTable table = new JobTable();
  private volatile JobListener listener = (job, before, local) -> {};

  @Override
  public final CompletionStage<Optional<Job>> find(String id) {
    return CompletableFuture.completedFuture(table.find(id));
  }

  @Override
  public final CompletionStage<List<Job>> leasesEndedBy(long now, int limit) {
    return CompletableFuture.completedFuture(table.leasesEndedBy(now, limit));
  }

  @Override
  public final CompletionStage<List<Job>> awaitingCallback(int limit) {
    return CompletableFuture.completedFuture(table.awaitingCallback(limit));
  }

  @Override
  public final CompletionStage<JobCounts> count(String queue) {
    return CompletableFuture.completedFuture(table.count(queue));
  }

  @Override
  public final void listen(JobListener newListener) {
    listener = newListener;
  }

  /** The listener registered with {@link #listen}, or one that does nothing before that. */
  protected final JobListener listener() {
    return listener;
  }
}

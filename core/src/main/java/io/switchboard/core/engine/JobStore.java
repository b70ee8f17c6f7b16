package io.switchboard.core.engine;

import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobCounts;
import io.switchboard.core.jobs.Lease;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where an engine keeps jobs: a durable engine keeps them across restarts, a volatile one for as
 * long as the process lives. Stages complete once the change is as durable as the engine's
 * messages are. Like the rest of the SPI it assumes nothing about being the only process: claims
 * and replacements are atomic in the store, not in the caller.
 */
public interface JobStore {
  /** Stores a new queued job at the end of its queue; completes with the job as stored, with its {@link Job#sequence()}. */
  CompletionStage<Job> submit(Job job);

  /** The job with {@code id}, or empty when there is none (never submitted, or removed). */
  CompletionStage<Optional<Job>> find(String id);

  /**
   * Atomically takes the queued job of {@code queue} with the lowest sequence and stores it as
   * {@link Job#claimed claimed(lease, now)}; empty when none is queued. Two claims never take the
   * same job.
   */
  CompletionStage<Optional<Job>> claim(String queue, Lease lease, long now);

  /**
   * Stores {@code changed} in place of the job of the same id if, and only if, the stored one's
   * revision is {@code changed.revision() - 1}; false, storing nothing, when it is not (another
   * change came first) or there is no such job.
   */
  CompletionStage<Boolean> replace(Job changed);

  /** Up to {@code limit} running jobs whose lease ended at or before {@code now}. */
  CompletionStage<List<Job>> leasesEndedBy(long now, int limit);

  /** Up to {@code limit} ended jobs whose callback is still to be made ({@link Job#awaitsCallback()}). */
  CompletionStage<List<Job>> awaitingCallback(int limit);

  /** How many jobs of {@code queue} are in each status. */
  CompletionStage<JobCounts> count(String queue);

  /** Removes the jobs that ended before {@code time} and await no callback; returns how many. */
  CompletionStage<Integer> removeEndedBefore(long time);

  /**
   * Registers the one listener told about every stored change (submissions, claims,
   * replacements), once the change is durable, including (for a shared engine) changes made by
   * other nodes. Call before the first change.
   */
  void listen(JobListener listener);
}

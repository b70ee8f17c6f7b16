package io.switchboard.core.engine;

import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobStatus;
import java.util.Optional;

/**
 * Told about every stored job change, once it is durable, in the order of each job's changes.
 * Called on any thread, one call at a time; must return quickly and never block.
 */
@FunctionalInterface
public interface JobListener {
  /**
   * @param job the job as stored after the change
   * @param before its status before the change, empty for a submission
   * @param local whether this process made the change (a shared engine also reports other nodes'
   *     changes, with {@code false}), so that what must happen once per change happens once
   */
  void changed(Job job, Optional<JobStatus> before, boolean local);
}

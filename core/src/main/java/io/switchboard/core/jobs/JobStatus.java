package io.switchboard.core.jobs;

import java.util.Locale;

/** Where a job is in its life. A job ends in {@code SUCCEEDED}, {@code FAILED} or {@code DEAD}, and never changes status again. */
public enum JobStatus {
  /** Waiting for a worker to claim it. */
  QUEUED,
  /** Claimed by a worker that holds its lease. */
  RUNNING,
  /** A worker completed it with a result. */
  SUCCEEDED,
  /** A worker failed it with an error, and no retry was asked for or left. */
  FAILED,
  /** Its last allowed attempt's lease ran out without an answer from the worker. */
  DEAD;

  public boolean isEnded() {
    return this == SUCCEEDED || this == FAILED || this == DEAD;
  }

  /** The name on the wire: {@code queued}, {@code running}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

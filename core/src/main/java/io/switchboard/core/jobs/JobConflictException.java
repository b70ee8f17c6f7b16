package io.switchboard.core.jobs;

/**
 * A worker asked to change a job it does not hold: its lease token is not the job's current one,
 * its lease ran out, or the job has already ended. Transports answer 409; the message says which
 * and is safe to show to the client.
 */
public final class JobConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobConflictException(String detail) {
    super(detail);
  }
}

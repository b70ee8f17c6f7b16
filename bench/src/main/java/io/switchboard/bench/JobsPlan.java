package io.switchboard.bench;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one run of {@link JobsBench} does, checked when it is made.
 *
 * <p>The queues are named after the run ({@code bench.RUN.0} … {@code bench.RUN.Q-1}), so that
 * their counts at the end hold this run's jobs only, even on a server that has seen other runs.
 *
 * @param bench the target, job size, timing and threads
 * @param submitters concurrent submitters, each with one connection and one submit in flight
 * @param workers concurrent workers, each with one connection and one claim or complete in flight
 * @param queues queues the submitters and the workers are spread over (client i uses queue i mod Q)
 * @param run names this run's queues: 1 to 16 of {@code [a-z0-9]}
 */
record JobsPlan(BenchPlan bench, int submitters, int workers, int queues, String run) {
  static final int MAX_SUBMITTERS = 4_096;
  static final int MAX_WORKERS = 4_096;
  /** How long a claim waits for a job before it is answered with 204. */
  static final int CLAIM_WAIT_SECONDS = 1;
  /**
   * The lease each claim asks for: far longer than a worker holds a job, so that a job claimed
   * twice, or a 409 on its completion, is not the bench's doing.
   */
  static final int LEASE_SECONDS = 60;
  /** The least time workers get to work off the queues after the deadline. */
  static final Duration MIN_DRAIN = Duration.ofSeconds(30);

  /** @throws IllegalArgumentException naming the value that breaks a rule, and the rule */
  JobsPlan {
    if (!(bench.target() instanceof SwitchboardTarget)) {
      throw new IllegalArgumentException("--target " + bench.target().name() + " has no job queues; the jobs bench runs"
          + " against Switchboard only");
    }
    BenchPlan.requireWithin("--submitters", submitters, 1, MAX_SUBMITTERS);
    BenchPlan.requireWithin("--workers", workers, 1, MAX_WORKERS);
    // Every queue needs a submitter, or it is pointless, and a worker, or its jobs are never done.
    BenchPlan.requireWithin("--queues", queues, 1, Math.min(submitters, workers));
    if (bench.bodySize() < JobData.MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException("--size " + bench.bodySize() + " is less than " + JobData.MAX_HEADER_LENGTH
          + ": each job's data carries its submitter, its number and the time it was submitted");
    }
    if (!run.matches("[a-z0-9]{1,16}")) {
      throw new IllegalArgumentException("run \"" + run + "\" is not 1 to 16 of [a-z0-9]");
    }
  }

  /** A fresh run name: the time in base 36 and a random suffix. */
  static String newRun() {
    return Long.toString(System.currentTimeMillis(), Character.MAX_RADIX)
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), Character.MAX_RADIX);
  }

  /**
   * How long the workers may take after the deadline to work off what the submitters queued:
   * as long as the run itself, and at least {@link #MIN_DRAIN}.
   */
  Duration drainLimit() {
    Duration whole = bench.warmup().plus(bench.duration());
    return whole.compareTo(MIN_DRAIN) > 0 ? whole : MIN_DRAIN;
  }

  /** The queue of submitter or worker {@code index}. */
  String queue(int index) {
    return "bench." + run + "." + (index % queues);
  }

  /** {@code bench.RUN.*}: all of this run's queues, for reports. */
  String queuePattern() {
    return "bench." + run + ".*";
  }

  String submitPath(int submitter) {
    return "/v1/queues/" + queue(submitter) + "/jobs";
  }

  String claimPath(int worker) {
    return "/v1/queues/" + queue(worker) + "/claim?wait=" + CLAIM_WAIT_SECONDS + "&lease=" + LEASE_SECONDS;
  }

  static String completePath(String jobId) {
    return "/v1/jobs/" + jobId + "/complete";
  }

  String countsPath(int queue) {
    return "/v1/queues/" + queue(queue);
  }
}

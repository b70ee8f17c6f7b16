package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run of {@link JobsBench}: its plan, what the clients counted, the generator's
 * account of every job ({@link JobLedger}) and the server's counts of the run's queues at the
 * deadline and at the end.
 *
 * @param atDeadline the counts when the submitters stopped; empty when they could not be read
 * @param atEnd the counts once the workers had drained the queues; empty when they could not be read
 * @param drain how long after the deadline the last worker stopped
 */
record JobsReport(JobsPlan plan, JobsTally tally, JobLedger ledger, Optional<QueueCounts> atDeadline,
    Optional<QueueCounts> atEnd, Duration drain) implements BenchReport {

  double jobsPerSecond() {
    return tally.completedInWindow() / seconds(plan.bench().duration());
  }

  double submitsPerSecond() {
    return tally.submittedInWindow() / seconds(plan.bench().duration());
  }

  /**
   * Whether every accepted job was completed exactly once: the ledger balances, no completion was
   * refused, no job was claimed a second time, and the server counts as many succeeded jobs as were
   * accepted and none that has not ended or did not succeed.
   */
  boolean verified() {
    return problems().isEmpty();
  }

  @Override
  public boolean passed() {
    return verified() && tally.errors() == 0;
  }

  /** Why the run is not verified, one phrase each; empty when it is. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (ledger.lost() > 0) {
      problems.add(ledger.lost() + " accepted job(s) never completed");
    }
    if (ledger.duplicated() > 0) {
      problems.add(ledger.duplicated() + " completion(s) of a job already completed");
    }
    if (ledger.unacknowledged() > 0) {
      problems.add(ledger.unacknowledged() + " completed job(s) whose submit was not answered with 202");
    }
    if (tally.conflicts() > 0) {
      problems.add(tally.conflicts() + " completion(s) refused with 409");
    }
    if (tally.claimedAgain() > 0) {
      problems.add(tally.claimedAgain() + " claim(s) of a job on its second or later attempt");
    }
    if (atEnd.isEmpty()) {
      problems.add("the queue counts at the end could not be read");
    } else if (!atEnd.get().allSucceeded() || atEnd.get().succeeded() != ledger.accepted()) {
      problems.add("the server's counts do not show exactly the " + ledger.accepted() + " accepted job(s) succeeded");
    }
    return problems;
  }

  @Override
  public String table() {
    BenchPlan bench = plan.bench();
    String newline = System.lineSeparator();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "JobsBench %s: %d submitter(s) and %d worker(s) on %d queue(s), %d-byte jobs,"
            + " %d s counted after %d s of warm-up, %d event loop(s)%n",
        bench.server(), plan.submitters(), plan.workers(), plan.queues(), bench.bodySize(), bench.duration().toSeconds(),
        bench.warmup().toSeconds(), bench.eventLoops()));
    out.append(String.format(Locale.ROOT, "%12s %12s %10s %10s %7s%n", "jobs/s", "submits/s", "completed", "submitted", "errors"));
    out.append(String.format(Locale.ROOT, "%12.1f %12.1f %10d %10d %7d%n", jobsPerSecond(), submitsPerSecond(),
        tally.completedInWindow(), tally.submittedInWindow(), tally.errors()));
    out.append(String.format(Locale.ROOT, "%-16s%s %10s%n", "latency", Latencies.headers(), "count"));
    latencyRow(out, "submit→complete", tally.endToEndMicros());
    latencyRow(out, "submit", tally.submitMicros());
    latencyRow(out, "claim+complete", tally.claimCompleteMicros());
    if (tally.errors() > 0) {
      out.append("errors (whole run, warm-up and drain included): ").append(ErrorCounts.describe(tally.errorsByCause()))
          .append(newline);
    }
    out.append(verified() ? "verified" : "NOT VERIFIED (" + String.join("; ", problems()) + ")")
        .append(String.format(Locale.ROOT, ": %d job(s) accepted in the whole run, %d completed, %d lost, %d duplicated,"
                + " %d completion(s) refused with 409, %d claimed again%n",
            ledger.accepted(), ledger.completed(), ledger.lost(), ledger.duplicated(), tally.conflicts(), tally.claimedAgain()));
    out.append("queues ").append(plan.queuePattern()).append(" at the end: ").append(atEnd.map(JobsReport::describe).orElse("unknown"))
        .append(newline);
    out.append(String.format(Locale.ROOT, "backlog at the deadline: %s; drained in %.1f s (%d completed after the deadline)%n",
        atDeadline.map(counts -> counts.queued() + " queued, " + counts.running() + " running").orElse("unknown"),
        seconds(drain), tally.completedAfterDeadline()));
    return out.toString();
  }

  @Override
  public JsonObject json() {
    BenchPlan bench = plan.bench();
    JsonObject errorsByCause = new JsonObject();
    tally.errorsByCause().forEach(errorsByCause::put);
    return new JsonObject()
        .put("bench", "jobs")
        .put("url", bench.server().toString())
        .put("submitters", plan.submitters())
        .put("workers", plan.workers())
        .put("queues", plan.queues())
        .put("queuePattern", plan.queuePattern())
        .put("jobSize", bench.bodySize())
        .put("warmupSeconds", bench.warmup().toSeconds())
        .put("durationSeconds", bench.duration().toSeconds())
        .put("eventLoops", bench.eventLoops())
        .put("completed", tally.completedInWindow())
        .put("jobsPerSecond", jobsPerSecond())
        .put("submitted", tally.submittedInWindow())
        .put("submitsPerSecond", submitsPerSecond())
        .put("latencyMicros", Latencies.json(tally.endToEndMicros()))
        .put("submitLatencyMicros", Latencies.json(tally.submitMicros()))
        .put("claimCompleteLatencyMicros", Latencies.json(tally.claimCompleteMicros()))
        .put("errors", tally.errors())
        .put("errorsByCause", errorsByCause)
        .put("verification", new JsonObject()
            .put("verified", verified())
            .put("problems", problems())
            .put("accepted", ledger.accepted())
            .put("completed", ledger.completed())
            .put("lost", ledger.lost())
            .put("duplicated", ledger.duplicated())
            .put("unacknowledged", ledger.unacknowledged())
            .put("conflicts", tally.conflicts())
            .put("claimedAgain", tally.claimedAgain())
            .put("queuesAtEnd", atEnd.map(QueueCounts::json).orElse(null)))
        .put("queuesAtDeadline", atDeadline.map(QueueCounts::json).orElse(null))
        .put("completedAfterDeadline", tally.completedAfterDeadline())
        .put("drainSeconds", seconds(drain));
  }

  private static void latencyRow(StringBuilder out, String name, Histogram micros) {
    out.append(String.format(Locale.ROOT, "%-16s%s %10d%n", name, Latencies.cells(micros), micros.getTotalCount()));
  }

  private static String describe(QueueCounts counts) {
    return counts.succeeded() + " succeeded, " + counts.queued() + " queued, " + counts.running() + " running, "
        + counts.failed() + " failed, " + counts.dead() + " dead (" + counts.total() + " in all)";
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}

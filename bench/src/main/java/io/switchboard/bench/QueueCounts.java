package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The server's counts of a queue's jobs by status ({@code GET /v1/queues/{queue}}), or the sum over
 * several queues.
 */
record QueueCounts(long queued, long running, long succeeded, long failed, long dead, long total) {
  static final QueueCounts NONE = new QueueCounts(0, 0, 0, 0, 0, 0);

  /**
   * @throws IllegalArgumentException naming the field that is missing or not a number
   */
  static QueueCounts of(JsonObject counts) {
    return new QueueCounts(field(counts, "queued"), field(counts, "running"), field(counts, "succeeded"),
        field(counts, "failed"), field(counts, "dead"), field(counts, "total"));
  }

  static QueueCounts sum(List<QueueCounts> counts) {
    return counts.stream().reduce(NONE, QueueCounts::plus);
  }

  QueueCounts plus(QueueCounts other) {
    return new QueueCounts(queued + other.queued, running + other.running, succeeded + other.succeeded,
        failed + other.failed, dead + other.dead, total + other.total);
  }

  /** Whether every job has ended and succeeded: none queued, running, failed or dead. */
  boolean allSucceeded() {
    return queued == 0 && running == 0 && failed == 0 && dead == 0 && total == succeeded;
  }

  JsonObject json() {
    return new JsonObject().put("queued", queued).put("running", running).put("succeeded", succeeded)
        .put("failed", failed).put("dead", dead).put("total", total);
  }

  private static long field(JsonObject counts, String name) {
    if (!(counts.getValue(name) instanceof Number number)) {
      throw new IllegalArgumentException("the queue counts " + counts.encode() + " have no number \"" + name + "\"");
    }
    return number.longValue();
  }
}

package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker that neither completes, fails nor extends its job in time loses it: about a second after
 * its lease runs out (leases are swept every second) the job is queued for its next attempt, or,
 * after its last attempt, dead with an error, and still inspectable. The worker's token is refused
 * from the moment its lease ran out, so it cannot overwrite the work of the job's next worker.
 */
class LeaseExpiryTest {
  /** A 1-second lease ends, and a sweep within the next second finds it; with room for a slow machine. */
  private static final Duration EXPIRY = Duration.ofSeconds(4);
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  @RegisterExtension static final ServerFixture oneSecondLeases = ServerFixture.with(settings -> settings
      .withJobs(settings.jobs().withLease(Duration.ofSeconds(1))));

  private final Api api = server.api();
  private final JobClient jobs = new JobClient(api);

  private JsonNode awaitStatus(String id, String status) {
    await("job " + id + " is " + status).atMost(EXPIRY).pollInterval(Duration.ofMillis(20))
        .until(() -> jobs.statusOf(id).equals(status));
    return jobs.job(id);
  }

  private static void awaitClockPast(long millis) {
    await("clock passes " + millis).atMost(EXPIRY).pollInterval(Duration.ofMillis(10))
        .until(() -> System.currentTimeMillis() > millis);
  }

  @Test
  void expiredLeasePutsTheJobBackForItsNextAttempt() {
    String queue = uniqueChannel("expiry");
    String id = jobs.submitted(queue, "attempts=3", "work").path("id").asText();
    Claim first = jobs.claimed(queue, "lease=1");

    JsonNode requeued = awaitStatus(id, "queued");

    assertThat(requeued.path("attempt").asInt()).as("one attempt used").isEqualTo(1);
    assertThat(requeued.path("error").asText()).as("why the attempt ended: %s", requeued).contains("lease");
    assertThat(requeued.has("leaseExpires")).isFalse();
    Claim second = jobs.claimed(queue);
    assertThat(second.id()).isEqualTo(id);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.data()).isEqualTo("work");
    assertThat(second.lease()).isNotEqualTo(first.lease());
  }

  @Test
  void oldTokenIsRefusedOnceTheJobWasClaimedAgain() {
    String queue = uniqueChannel("stale-token");
    String id = jobs.submittedId(queue, "work");
    Claim first = jobs.claimed(queue, "lease=1");
    awaitStatus(id, "queued");
    Claim second = jobs.claimed(queue);

    jobs.complete(id, first.lease(), "stale result").expectProblem(409);
    jobs.fail(id, first.lease(), "", "stale error").expectProblem(409);
    jobs.heartbeat(id, first.lease(), "").expectProblem(409);

    JsonNode job = jobs.job(id);
    assertThat(job.path("status").asText()).as("the second worker still holds it").isEqualTo("running");
    assertThat(job.path("attempt").asInt()).isEqualTo(2);
    JsonNode completed = jobs.completed(second, "fresh result");
    assertThat(completed.path("result").asText()).isEqualTo("fresh result");
  }

  @Test
  void oldTokenIsRefusedWhileTheExpiredJobWaitsInTheQueue() {
    String queue = uniqueChannel("stale-queued");
    String id = jobs.submittedId(queue, "work");
    Claim first = jobs.claimed(queue, "lease=1");
    awaitStatus(id, "queued");

    jobs.complete(id, first.lease(), "too late").expectProblem(409);

    assertThat(jobs.statusOf(id)).isEqualTo("queued");
  }

  @Test
  void tokenIsRefusedAsSoonAsItsLeaseRanOutWhetherOrNotTheSweepHasRun() {
    String queue = uniqueChannel("ran-out");
    String id = jobs.submittedId(queue, "work");
    Claim claim = jobs.claimed(queue, "lease=1");
    awaitClockPast(claim.leaseExpires());

    jobs.complete(id, claim.lease(), "too late").expectProblem(409);

    assertThat(jobs.job(id).has("result")).isFalse();
    assertThat(awaitStatus(id, "queued").path("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void heartbeatAfterTheLeaseRanOutIsRefused() {
    String queue = uniqueChannel("late-heartbeat");
    String id = jobs.submittedId(queue, "work");
    Claim claim = jobs.claimed(queue, "lease=1");
    awaitClockPast(claim.leaseExpires());

    jobs.heartbeat(id, claim.lease(), "lease=60").expectProblem(409);

    awaitStatus(id, "queued");
  }

  @Test
  void expiredLeaseOfTheLastAttemptMakesTheJobDeadAndItStaysInspectable() {
    String queue = uniqueChannel("dead");
    JsonNode submitted = jobs.submitted(queue, "attempts=1", "doomed");
    String id = submitted.path("id").asText();
    Claim claim = jobs.claimed(queue, "lease=1");

    JsonNode dead = awaitStatus(id, "dead");

    assertThat(dead.path("attempt").asInt()).isEqualTo(1);
    assertThat(dead.path("attempts").asInt()).isEqualTo(1);
    assertThat(dead.path("error").asText()).as("%s", dead).contains("lease");
    assertThat(dead.path("ended").asLong()).isGreaterThanOrEqualTo(claim.leaseExpires());
    assertThat(dead.has("result") || dead.has("leaseExpires")).isFalse();
    jobs.claim(queue, "").expect(204);
    jobs.complete(id, claim.lease(), "too late").expectProblem(409);
    assertThat(jobs.job(id)).as("a dead job does not change again").isEqualTo(dead);
    JsonNode counts = jobs.counts(queue);
    assertThat(counts.path("dead").asInt()).isEqualTo(1);
    assertThat(counts.path("running").asInt()).isZero();
    String channel = submitted.path("channel").asText();
    await("the dead event is published").atMost(PROMPTLY).until(() -> api.readAll(channel).size() >= 3);
    assertThat(api.readAll(channel)).extracting(message -> message.path("event").asText())
        .containsExactly("queued", "running", "dead");
  }

  @Test
  void jobDiesAfterItsSecondAttemptsLeaseRunsOutToo() {
    String queue = uniqueChannel("dead-after-two");
    String id = jobs.submitted(queue, "attempts=2", "doomed").path("id").asText();
    jobs.claimed(queue, "lease=1");
    awaitStatus(id, "queued");
    Claim second = jobs.claimed(queue, "lease=1");
    assertThat(second.attempt()).isEqualTo(2);

    JsonNode dead = awaitStatus(id, "dead");

    assertThat(dead.path("attempt").asInt()).isEqualTo(2);
    assertThat(dead.path("error").asText()).contains("lease");
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void waitingClaimGetsTheJobWhoseLeaseRanOut() throws Exception {
    String queue = uniqueChannel("waiting-for-expiry");
    String id = jobs.submittedId(queue, "work");
    jobs.claimed(queue, "lease=1");
    CompletableFuture<Reply> waiting = jobs.claimAsync(queue, "wait=10");

    JsonNode claim = waiting.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS).expectJson(200);

    assertThat(claim.path("id").asText()).isEqualTo(id);
    assertThat(claim.path("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void configuredDefaultLeaseHoldsClaimsThatAskForNone() {
    JobClient shortLeases = new JobClient(oneSecondLeases.api());
    String queue = uniqueChannel("default-lease");
    String id = shortLeases.submittedId(queue, "work");
    long before = System.currentTimeMillis();

    Claim claim = shortLeases.claimed(queue);

    assertThat(claim.leaseExpires()).isBetween(before + 1_000, System.currentTimeMillis() + 1_000);
    await("the job is queued again").atMost(EXPIRY).pollInterval(Duration.ofMillis(20))
        .until(() -> shortLeases.statusOf(id).equals("queued"));
    assertThat(shortLeases.claimed(queue).attempt()).isEqualTo(2);
  }

  @Test
  void leaseExpiryKeepsTheJobsPlaceAheadOfLaterJobs() {
    String queue = uniqueChannel("expiry-order");
    String first = jobs.submittedId(queue, "first");
    jobs.claimed(queue, "lease=1");
    String later = jobs.submittedId(queue, "later");
    awaitStatus(first, "queued");

    List<String> claimed = List.of(jobs.claimed(queue).id(), jobs.claimed(queue).id());

    assertThat(claimed).containsExactly(first, later);
  }
}

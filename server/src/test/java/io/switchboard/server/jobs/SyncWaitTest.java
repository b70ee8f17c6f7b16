package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Submitting with {@code Prefer: wait=N} (RFC 7240) holds the submission until the job ends, and
 * answers {@code 200} with the ended job, whichever way it ended; when it has not ended after N
 * seconds the answer is the usual {@code 202} with the job as it is then, which goes on. Either
 * way {@code Preference-Applied} says the wait was honoured.
 */
class SyncWaitTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final JobClient jobs = new JobClient(server.api());

  /** Claims the job a held submission queued, with the claim's own wait, so no polling is needed. */
  private Claim claimWhenSubmitted(String queue) {
    return jobs.claimed(queue, "wait=5");
  }

  private static Reply answer(CompletableFuture<Reply> held) throws Exception {
    return held.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void syncWaitAnswersWithTheResultWhenTheJobEndsInTime() throws Exception {
    String queue = uniqueChannel("sync");
    CompletableFuture<Reply> held = jobs.submitAsync(queue, "", "2+2", "Prefer", "wait=20");
    Claim claim = claimWhenSubmitted(queue);
    assertThat(claim.data()).isEqualTo("2+2");
    await("the submission is held while the job runs").during(Duration.ofMillis(200)).atMost(PROMPTLY)
        .until(() -> !held.isDone());

    jobs.completed(claim, "4");

    Reply reply = answer(held);
    JsonNode job = reply.expectJson(200);
    assertThat(reply.header("Preference-Applied")).isEqualTo("wait=20");
    assertThat(reply.header("Location")).isEqualTo("/v1/jobs/" + claim.id());
    assertThat(job.path("id").asText()).isEqualTo(claim.id());
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
    assertThat(job.path("result").asText()).isEqualTo("4");
    assertThat(job).as("the answer is the job as GET shows it").isEqualTo(jobs.job(claim.id()));
  }

  @Test
  void syncWaitAnswers202WithTheQueuedJobWhenNobodyEndsItInTime() throws Exception {
    String queue = uniqueChannel("sync-timeout");
    long before = System.nanoTime();

    Reply reply = answer(jobs.submitAsync(queue, "", "nobody works here", "Prefer", "wait=1"));

    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    JsonNode job = reply.expectJson(202);
    assertThat(tookMillis).as("held for the wait, no longer").isBetween(950L, 3_000L);
    assertThat(reply.header("Preference-Applied")).isEqualTo("wait=1");
    assertThat(reply.header("Location")).isEqualTo("/v1/jobs/" + job.path("id").asText());
    assertThat(job.path("status").asText()).isEqualTo("queued");
    assertThat(jobs.claimed(queue).id()).as("the job goes on after the wait").isEqualTo(job.path("id").asText());
  }

  @Test
  void syncWaitAnswers202WithTheRunningJobWhenItsWorkerIsNotDoneInTime() throws Exception {
    String queue = uniqueChannel("sync-running");
    CompletableFuture<Reply> held = jobs.submitAsync(queue, "", "slow", "Prefer", "wait=1");
    Claim claim = claimWhenSubmitted(queue);

    Reply reply = answer(held);

    JsonNode job = reply.expectJson(202);
    assertThat(job.path("status").asText()).isEqualTo("running");
    assertThat(job.path("attempt").asInt()).isEqualTo(1);
    assertThat(jobs.completed(claim, "late but fine").path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void syncWaitAnswers200WithTheFailedJobWhenItsWorkerFailsItInTime() throws Exception {
    String queue = uniqueChannel("sync-failed");
    CompletableFuture<Reply> held = jobs.submitAsync(queue, "", "bad input", "Prefer", "wait=20");
    Claim claim = claimWhenSubmitted(queue);

    jobs.fail(claim.id(), claim.lease(), "", "cannot parse \"bad input\"").expect(200);

    Reply reply = answer(held);
    JsonNode job = reply.expectJson(200);
    assertThat(reply.header("Preference-Applied")).isEqualTo("wait=20");
    assertThat(job.path("status").asText()).isEqualTo("failed");
    assertThat(job.path("error").asText()).isEqualTo("cannot parse \"bad input\"");
    assertThat(job.has("result")).isFalse();
  }

  @Test
  void syncWaitGoesOnThroughARetryToTheEnd() throws Exception {
    String queue = uniqueChannel("sync-retry");
    CompletableFuture<Reply> held = jobs.submitAsync(queue, "attempts=2", "flaky", "Prefer", "wait=20");
    Claim first = claimWhenSubmitted(queue);

    jobs.fail(first.id(), first.lease(), "retry=true", "try again").expect(200);
    Claim second = jobs.claimed(queue);
    await("a retry is not an end").during(Duration.ofMillis(200)).atMost(PROMPTLY).until(() -> !held.isDone());
    jobs.completed(second, "second time lucky");

    JsonNode job = answer(held).expectJson(200);
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
    assertThat(job.path("attempt").asInt()).isEqualTo(2);
    assertThat(job.path("result").asText()).isEqualTo("second time lucky");
  }

  @Test
  void waitAmongOtherPreferencesIsHonoured() throws Exception {
    String queue = uniqueChannel("sync-among");
    CompletableFuture<Reply> held = jobs.submitAsync(queue, "", "x", "Prefer", "respond-async, wait=20; foo=bar, handling=lenient");
    jobs.completed(claimWhenSubmitted(queue), "done");

    Reply reply = answer(held);

    assertThat(reply.expectJson(200).path("status").asText()).isEqualTo("succeeded");
    assertThat(reply.header("Preference-Applied")).isEqualTo("wait=20");
  }

  @Test
  void waitWrittenWithSpacesAroundTheEqualsSignOrQuotedIsHonoured() throws Exception {
    // RFC 7240: preference = token [ BWS "=" BWS word ], and a word may be a quoted string.
    for (String prefer : List.of("wait = 20", "WAIT=20", "wait=\"20\"")) {
      String queue = uniqueChannel("sync-spelling");
      CompletableFuture<Reply> held = jobs.submitAsync(queue, "", "x", "Prefer", prefer);
      jobs.completed(claimWhenSubmitted(queue), "done");

      Reply reply = answer(held);

      assertThat(reply.expectJson(200).path("status").asText()).as("Prefer: %s", prefer).isEqualTo("succeeded");
      assertThat(reply.header("Preference-Applied")).as("Prefer: %s", prefer).isEqualTo("wait=20");
    }
  }

  @Test
  void preferWithoutWaitAnswersAtOnceWithoutPreferenceApplied() {
    String queue = uniqueChannel("no-wait");

    Reply reply = jobs.submit(queue, "", "x", "Prefer", "return=minimal");

    assertThat(reply.expectJson(202).path("status").asText()).isEqualTo("queued");
    assertThat(reply.header("Preference-Applied")).isNull();
  }

  @Test
  void submissionWithoutPreferAnswersAtOnce() {
    Reply reply = jobs.submit(uniqueChannel("plain"), "", "x");

    assertThat(reply.expectJson(202).path("status").asText()).isEqualTo("queued");
    assertThat(reply.header("Preference-Applied")).isNull();
  }
}

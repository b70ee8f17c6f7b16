package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job from submission to its end, as its submitter and its worker see it: submitted it is
 * queued, claimed it is running under a lease whose token only its worker holds, and it ends
 * succeeded with a result or failed with an error, or goes back to the queue when its worker asks
 * for a retry; heartbeats keep it; the queue counts each status; and every change of status is a
 * message on the job's channel, which any subscriber can follow.
 */
class JobLifecycleTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final int DEFAULT_ATTEMPTS = 3;
  private static final long DEFAULT_LEASE_MILLIS = Duration.ofSeconds(30).toMillis();
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final JobClient jobs = new JobClient(api);

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      throw new UncheckedIOException("not JSON: " + text, notJson);
    }
  }

  /** The messages of a job's channel once there are {@code count}, waiting at most {@link #PROMPTLY}. */
  private List<JsonNode> channelMessages(String channel, int count) {
    await(channel + " carries " + count + " messages").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
        .until(() -> api.readAll(channel).size() >= count);
    return api.readAll(channel);
  }

  @Test
  void submitAnswers202WithLocationAndTheQueuedJob() {
    String queue = uniqueChannel("submit");
    long before = System.currentTimeMillis();

    Reply reply = jobs.submit(queue, "", "{\"resize\":\"cat.png\"}");

    JsonNode job = reply.expectJson(202);
    String id = job.path("id").asText();
    long after = System.currentTimeMillis();
    assertThat(id).as("128 random bits in base64url").matches("[A-Za-z0-9_-]{22}");
    assertThat(reply.header("Location")).isEqualTo("/v1/jobs/" + id);
    assertThat(job.path("queue").asText()).isEqualTo(queue);
    assertThat(job.path("status").asText()).isEqualTo("queued");
    assertThat(job.path("attempt").asInt(-1)).isZero();
    assertThat(job.path("attempts").asInt()).as("the default of jobs.attempts").isEqualTo(DEFAULT_ATTEMPTS);
    assertThat(job.path("created").asLong()).isBetween(before, after);
    assertThat(job.path("updated").asLong()).isEqualTo(job.path("created").asLong());
    assertThat(job.path("channel").asText()).isEqualTo("switchboard.jobs." + queue + "." + id);
    assertThat(job.has("data")).as("the status view leaves the data to the worker: %s", job).isFalse();
    assertThat(job.has("result") || job.has("error") || job.has("started") || job.has("ended") || job.has("leaseExpires"))
        .as("nothing has happened to it yet: %s", job).isFalse();

    assertThat(jobs.job(id)).as("GET shows the job as the submission answered it").isEqualTo(job);
  }

  @Test
  void submitKeepsTheAttemptsItIsGiven() {
    String queue = uniqueChannel("attempts");

    assertThat(jobs.submitted(queue, "attempts=1", "x").path("attempts").asInt()).isEqualTo(1);
    assertThat(jobs.submitted(queue, "attempts=100", "x").path("attempts").asInt()).isEqualTo(100);
  }

  @Test
  void claimHandsTheWorkerTheDataAndALeaseAndTheJobIsRunning() {
    String queue = uniqueChannel("claim");
    String data = "{\"resize\":\"dog.png\",\"to\":\"64x64\"} ünïcødé";
    String id = jobs.submittedId(queue, data);
    long before = System.currentTimeMillis();

    JsonNode claim = jobs.claim(queue, "").expectJson(200);

    long after = System.currentTimeMillis();
    assertThat(claim.path("id").asText()).isEqualTo(id);
    assertThat(claim.path("queue").asText()).isEqualTo(queue);
    assertThat(claim.path("data").asText()).as("the data exactly as submitted").isEqualTo(data);
    assertThat(claim.path("attempt").asInt()).isEqualTo(1);
    assertThat(claim.path("attempts").asInt()).isEqualTo(DEFAULT_ATTEMPTS);
    assertThat(claim.path("lease").asText()).as("an unguessable token").hasSizeGreaterThanOrEqualTo(22);
    assertThat(claim.path("leaseExpires").asLong()).as("the default lease of 30 s")
        .isBetween(before + DEFAULT_LEASE_MILLIS, after + DEFAULT_LEASE_MILLIS);

    JsonNode job = jobs.job(id);
    assertThat(job.path("status").asText()).isEqualTo("running");
    assertThat(job.path("attempt").asInt()).isEqualTo(1);
    assertThat(job.path("started").asLong()).isBetween(before, after);
    assertThat(job.path("leaseExpires").asLong()).isEqualTo(claim.path("leaseExpires").asLong());
    assertThat(job.toString()).as("the token is the worker's alone").doesNotContain(claim.path("lease").asText());
  }

  @Test
  void claimTakesTheLeaseItAsksFor() {
    String queue = uniqueChannel("lease");
    jobs.submittedId(queue, "x");
    long before = System.currentTimeMillis();

    Claim claim = jobs.claimed(queue, "lease=120");

    assertThat(claim.leaseExpires()).isBetween(before + 120_000, System.currentTimeMillis() + 120_000);
  }

  @Test
  void claimAnswers204WhenTheQueueIsEmpty() {
    String queue = uniqueChannel("empty");

    jobs.claim(queue, "").expect(204);
    jobs.submittedId(queue, "only one");
    jobs.claimed(queue);
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void claimsTakeJobsInTheOrderTheyWereSubmitted() {
    String queue = uniqueChannel("fifo");
    List<String> ids = List.of(jobs.submittedId(queue, "a"), jobs.submittedId(queue, "b"), jobs.submittedId(queue, "c"));

    List<String> claimed = List.of(jobs.claimed(queue).id(), jobs.claimed(queue).id(), jobs.claimed(queue).id());

    assertThat(claimed).containsExactlyElementsOf(ids);
  }

  @Test
  void waitingClaimGetsAJobSubmittedDuringItsWait() throws Exception {
    String queue = uniqueChannel("waiting");
    CompletableFuture<Reply> waiting = jobs.claimAsync(queue, "wait=10");
    await("the claim is held").during(Duration.ofMillis(200)).atMost(PROMPTLY).until(() -> !waiting.isDone());

    String id = jobs.submittedId(queue, "arrives late");

    JsonNode claim = waiting.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS).expectJson(200);
    assertThat(claim.path("id").asText()).isEqualTo(id);
    assertThat(claim.path("data").asText()).isEqualTo("arrives late");
    assertThat(jobs.statusOf(id)).isEqualTo("running");
  }

  @Test
  void completeEndsTheJobSucceededWithTheResult() {
    String queue = uniqueChannel("complete");
    String id = jobs.submittedId(queue, "2+2");
    Claim claim = jobs.claimed(queue);
    long before = System.currentTimeMillis();

    JsonNode completed = jobs.completed(claim, "{\"answer\":4}");

    assertThat(completed.path("id").asText()).isEqualTo(id);
    assertThat(completed.path("status").asText()).isEqualTo("succeeded");
    assertThat(completed.path("result").asText()).isEqualTo("{\"answer\":4}");
    assertThat(completed.path("ended").asLong()).isBetween(before, System.currentTimeMillis());
    assertThat(completed.has("error") || completed.has("leaseExpires")).as("%s", completed).isFalse();
    assertThat(jobs.job(id)).as("GET shows the ended job").isEqualTo(completed);
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void completeWithAnEmptyBodyIsAnEmptyResult() {
    String queue = uniqueChannel("empty-result");
    jobs.submittedId(queue, "x");
    Claim claim = jobs.claimed(queue);

    JsonNode completed = jobs.completed(claim, "");

    assertThat(completed.path("status").asText()).isEqualTo("succeeded");
    assertThat(completed.path("result").isTextual()).as("%s", completed).isTrue();
    assertThat(completed.path("result").asText()).isEmpty();
  }

  @Test
  void failWithoutRetryEndsTheJobFailedEvenWithAttemptsLeft() {
    String queue = uniqueChannel("fail");
    String id = jobs.submittedId(queue, "x");
    Claim claim = jobs.claimed(queue);

    JsonNode failed = jobs.fail(id, claim.lease(), "", "disk full").expectJson(200);

    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").asText()).isEqualTo("disk full");
    assertThat(failed.path("attempt").asInt()).isEqualTo(1);
    assertThat(failed.has("result")).isFalse();
    assertThat(failed.has("ended")).isTrue();
    assertThat(jobs.job(id)).isEqualTo(failed);
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void failWithRetryPutsTheJobBackUntilItsLastAttemptFailsForGood() {
    String queue = uniqueChannel("retry");
    String id = jobs.submitted(queue, "attempts=2", "flaky").path("id").asText();
    Claim first = jobs.claimed(queue);

    JsonNode requeued = jobs.fail(id, first.lease(), "retry=true", "timeout upstream").expectJson(200);

    assertThat(requeued.path("status").asText()).isEqualTo("queued");
    assertThat(requeued.path("attempt").asInt()).isEqualTo(1);
    assertThat(requeued.path("error").asText()).as("why the last attempt failed").isEqualTo("timeout upstream");
    assertThat(requeued.has("ended")).isFalse();

    Claim second = jobs.claimed(queue);
    assertThat(second.id()).isEqualTo(id);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.data()).isEqualTo("flaky");
    assertThat(second.lease()).isNotEqualTo(first.lease());

    JsonNode failed = jobs.fail(id, second.lease(), "retry=true", "timeout again").expectJson(200);

    assertThat(failed.path("status").asText()).as("no attempts left: retry=true cannot requeue").isEqualTo("failed");
    assertThat(failed.path("error").asText()).isEqualTo("timeout again");
    assertThat(failed.path("attempt").asInt()).isEqualTo(2);
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void retriedJobCanStillSucceedOnItsNextAttempt() {
    String queue = uniqueChannel("retry-ok");
    String id = jobs.submittedId(queue, "x");
    jobs.fail(id, jobs.claimed(queue).lease(), "retry=true", "first try failed").expect(200);

    JsonNode completed = jobs.completed(jobs.claimed(queue), "second try worked");

    assertThat(completed.path("status").asText()).isEqualTo("succeeded");
    assertThat(completed.path("attempt").asInt()).isEqualTo(2);
    assertThat(completed.path("result").asText()).isEqualTo("second try worked");
    assertThat(completed.has("error")).as("a success leaves no error behind: %s", completed).isFalse();
  }

  @Test
  void heartbeatExtendsTheLeaseBeyondItsFirstEnd() {
    String queue = uniqueChannel("heartbeat");
    String id = jobs.submittedId(queue, "long work");
    Claim claim = jobs.claimed(queue, "lease=1");
    long before = System.currentTimeMillis();

    JsonNode extended = jobs.heartbeat(id, claim.lease(), "lease=30").expectJson(200);

    assertThat(extended.path("status").asText()).isEqualTo("running");
    assertThat(extended.path("attempt").asInt()).isEqualTo(1);
    assertThat(extended.path("leaseExpires").asLong()).isBetween(before + 30_000, System.currentTimeMillis() + 30_000);
    // Past the first lease's end and past a sweep (every second), the job is still this worker's.
    await("the job stays running past its first lease").during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
        .until(() -> jobs.statusOf(id).equals("running"));
    assertThat(jobs.completed(claim, "done in time").path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void heartbeatWithoutALeaseTakesTheDefaultLease() {
    String queue = uniqueChannel("heartbeat-default");
    String id = jobs.submittedId(queue, "x");
    Claim claim = jobs.claimed(queue, "lease=5");
    long before = System.currentTimeMillis();

    JsonNode extended = jobs.heartbeat(id, claim.lease(), "").expectJson(200);

    assertThat(extended.path("leaseExpires").asLong())
        .isBetween(before + DEFAULT_LEASE_MILLIS, System.currentTimeMillis() + DEFAULT_LEASE_MILLIS);
  }

  @Test
  void queueCountsEachStatus() {
    String queue = uniqueChannel("counts");
    for (int i = 0; i < 5; i++) {
      jobs.submittedId(queue, "job " + i);
    }
    jobs.completed(jobs.claimed(queue), "ok");
    Claim failing = jobs.claimed(queue);
    jobs.fail(failing.id(), failing.lease(), "", "no").expect(200);
    jobs.claimed(queue);

    JsonNode counts = jobs.counts(queue);

    assertThat(counts.path("queue").asText()).isEqualTo(queue);
    assertThat(counts.path("queued").asInt(-1)).isEqualTo(2);
    assertThat(counts.path("running").asInt(-1)).isEqualTo(1);
    assertThat(counts.path("succeeded").asInt(-1)).isEqualTo(1);
    assertThat(counts.path("failed").asInt(-1)).isEqualTo(1);
    assertThat(counts.path("dead").asInt(-1)).isZero();
    assertThat(counts.path("total").asInt(-1)).isEqualTo(5);
  }

  @Test
  void queueThatNeverHadAJobCountsZeroEverywhere() {
    JsonNode counts = jobs.counts(uniqueChannel("never-used"));

    for (String status : List.of("queued", "running", "succeeded", "failed", "dead", "total")) {
      assertThat(counts.path(status).isInt()).as("%s in %s", status, counts).isTrue();
      assertThat(counts.path(status).asInt()).as(status).isZero();
    }
  }

  @Test
  void queuesAreIndependent() {
    String images = uniqueChannel("images");
    String mail = uniqueChannel("mail");
    String mailJob = jobs.submittedId(mail, "send");

    jobs.claim(images, "").expect(204);

    assertThat(jobs.claimed(mail).id()).isEqualTo(mailJob);
    assertThat(jobs.counts(images).path("total").asInt()).isZero();
  }

  @Test
  void jobChannelCarriesEachStatusChangeAsAnEventWithTheJob() {
    String queue = uniqueChannel("channel");
    JsonNode submitted = jobs.submitted(queue, "", "x");
    String id = submitted.path("id").asText();
    Claim claim = jobs.claimed(queue);
    jobs.heartbeat(id, claim.lease(), "lease=60").expect(200);
    JsonNode completed = jobs.completed(claim, "done");

    List<JsonNode> messages = channelMessages(submitted.path("channel").asText(), 3);

    assertThat(messages).as("one message per change of status; a heartbeat is none")
        .extracting(message -> message.path("event").asText()).containsExactly("queued", "running", "succeeded");
    List<JsonNode> data = messages.stream().map(message -> parse(message.path("data").asText())).toList();
    assertThat(data).extracting(job -> job.path("id").asText()).containsOnly(id);
    assertThat(data).extracting(job -> job.path("status").asText()).containsExactly("queued", "running", "succeeded");
    assertThat(data.get(0)).isEqualTo(submitted);
    assertThat(data.get(1).path("attempt").asInt()).isEqualTo(1);
    assertThat(data.get(2)).isEqualTo(completed);
    assertThat(messages.toString()).as("the lease token is never published").doesNotContain(claim.lease());
  }

  @Test
  void retriedJobsChannelShowsItQueuedAgain() {
    String queue = uniqueChannel("channel-retry");
    JsonNode submitted = jobs.submitted(queue, "", "x");
    String id = submitted.path("id").asText();
    jobs.fail(id, jobs.claimed(queue).lease(), "retry=true", "again").expect(200);
    Claim second = jobs.claimed(queue);
    jobs.fail(id, second.lease(), "", "gave up").expect(200);

    List<JsonNode> messages = channelMessages(submitted.path("channel").asText(), 5);

    assertThat(messages).extracting(message -> message.path("event").asText())
        .containsExactly("queued", "running", "queued", "running", "failed");
  }

  @Test
  void webSocketSubscriberToTheQueuesJobChannelsFollowsEveryJobOfTheQueue() {
    String queue = uniqueChannel("ws");
    try (WsClient ws = WsClient.connect(api.port())) {
      ws.subscribe("switchboard.jobs." + queue + ".*");
      String first = jobs.submittedId(queue, "one");
      String second = jobs.submittedId(queue, "two");
      jobs.completed(jobs.claimed(queue), "first done");
      Claim claim = jobs.claimed(queue);
      jobs.fail(second, claim.lease(), "", "second failed").expect(200);

      List<JsonNode> frames = ws.messages(6);

      // Each channel is in order; the two channels' frames may interleave either way.
      assertThat(eventsOn(frames, "switchboard.jobs." + queue + "." + first)).containsExactly("queued", "running", "succeeded");
      assertThat(eventsOn(frames, "switchboard.jobs." + queue + "." + second)).containsExactly("queued", "running", "failed");
      assertThat(frames).filteredOn(frame -> frame.path("event").asText().equals("succeeded"))
          .extracting(frame -> parse(frame.path("data").asText()).path("result").asText()).containsExactly("first done");
      assertThat(frames).filteredOn(frame -> frame.path("event").asText().equals("failed"))
          .extracting(frame -> parse(frame.path("data").asText()).path("error").asText()).containsExactly("second failed");
    }
  }

  private static List<String> eventsOn(List<JsonNode> frames, String channel) {
    return frames.stream().filter(frame -> frame.path("channel").asText().equals(channel))
        .map(frame -> frame.path("event").asText()).toList();
  }

  @Test
  void nobodyButTheServerMayPublishOnAJobChannel() {
    String queue = uniqueChannel("reserved");
    JsonNode submitted = jobs.submitted(queue, "", "x");
    String channel = submitted.path("channel").asText();
    channelMessages(channel, 1);

    String detail = api.publish(channel, "{\"status\":\"succeeded\",\"result\":\"forged\"}").expectProblem(400);

    assertThat(detail).contains("switchboard.");
    try (WsClient ws = WsClient.connect(api.port())) {
      ws.send(WsClient.frame("op", "publish", "channel", channel, "data", "forged", "ref", "forge"));
      JsonNode error = ws.error();
      assertThat(error.path("ref").asText()).isEqualTo("forge");
    }
    assertThat(api.readAll(channel)).as("only the queued event").hasSize(1);
    assertThat(jobs.statusOf(submitted.path("id").asText())).isEqualTo("queued");
  }
}

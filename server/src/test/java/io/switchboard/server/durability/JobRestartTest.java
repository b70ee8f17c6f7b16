package io.switchboard.server.durability;

import static io.switchboard.server.jobs.CallbackReceiver.expectedSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.switchboard.server.jobs.CallbackReceiver;
import io.switchboard.server.jobs.CallbackReceiver.Call;
import io.switchboard.server.jobs.JobClient;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the embedded engine jobs outlive the server: queued, running and ended jobs are there after
 * a restart on the same data directory (on another port) as they were, in their order; a lease
 * that ran out while the server was down is swept after the start, so the job is claimed again,
 * and the token of the lost lease stays refused; and a callback still to be made is made.
 */
class JobRestartTest {
  private static final String SECRET = "the-webhook-secret-for-restart-tests";
  /** A lease ends, and a sweep within the next second finds it; with room for a slow start. */
  private static final Duration SWEPT = Duration.ofSeconds(5);
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @TempDir Path dataDir;

  private SwitchboardServer server;
  private JobClient jobs;
  private Api api;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private void start(UnaryOperator<Settings> more) {
    server = ServerFixture.start(settings -> more.apply(settings.withEngine("embedded", dataDir)));
    api = new Api(server.port());
    jobs = new JobClient(api);
  }

  private void start() {
    start(UnaryOperator.identity());
  }

  private void restart() {
    restart(UnaryOperator.identity());
  }

  private void restart(UnaryOperator<Settings> more) {
    server.stop();
    server = null;
    start(more);
  }

  private JsonNode awaitStatus(String id, String status) {
    await("job " + id + " is " + status).atMost(SWEPT).pollInterval(Duration.ofMillis(20))
        .until(() -> jobs.statusOf(id).equals(status));
    return jobs.job(id);
  }

  @Test
  void queuedRunningAndEndedJobsAreThereAfterARestartAsTheyWere() {
    start();
    String queue = "restart.kinds";
    String queued = jobs.submittedId(queue, "still to do");
    String running = jobs.submittedId(queue, "in hand");
    String succeeded = jobs.submittedId(queue, "done");
    String failed = jobs.submittedId(queue, "broken");
    String retried = jobs.submitted(queue, "attempts=2", "flaky").path("id").asText();
    List<String> all = List.of(queued, running, succeeded, failed, retried);
    Claim[] claims = new Claim[5];
    for (int i = 0; i < 5; i++) {
      claims[i] = jobs.claimed(queue, "lease=600");
      assertThat(claims[i].id()).isEqualTo(all.get(i));
    }
    jobs.fail(queued, claims[0].lease(), "retry=true", "back to the queue").expect(200);
    jobs.completed(claims[2], "the result");
    jobs.fail(failed, claims[3].lease(), "", "the error").expect(200);
    jobs.fail(retried, claims[4].lease(), "retry=true", "once more").expect(200);
    List<JsonNode> before = all.stream().map(jobs::job).toList();
    JsonNode countsBefore = jobs.counts(queue);
    assertThat(List.of("queued", "running", "succeeded", "failed")).extracting(status -> countsBefore.path(status).asInt())
        .containsExactly(2, 1, 1, 1);

    restart();

    assertThat(all.stream().map(jobs::job).toList()).as("every job as it was").isEqualTo(before);
    assertThat(jobs.counts(queue)).isEqualTo(countsBefore);
    assertThat(jobs.completed(claims[1], "finished after the restart").path("status").asText())
        .as("a lease that still holds still holds").isEqualTo("succeeded");
    String submittedAfter = jobs.submittedId(queue, "new");
    assertThat(List.of(jobs.claimed(queue).id(), jobs.claimed(queue).id(), jobs.claimed(queue).id()))
        .as("the queue keeps its order across the restart").containsExactly(queued, retried, submittedAfter);
  }

  @Test
  void jobChannelGoesOnAfterARestart() {
    start();
    String queue = "restart.channel";
    JsonNode submitted = jobs.submitted(queue, "", "x");
    Claim claim = jobs.claimed(queue, "lease=600");
    String channel = submitted.path("channel").asText();
    await("two events published").atMost(PROMPTLY).until(() -> api.readAll(channel).size() == 2);

    restart();
    jobs.completed(claim, "done");

    await("the end published").atMost(PROMPTLY).until(() -> api.readAll(channel).size() == 3);
    assertThat(api.readAll(channel)).extracting(message -> message.path("event").asText())
        .containsExactly("queued", "running", "succeeded");
  }

  @Test
  void runningJobWhoseLeaseRanOutWhileTheServerWasDownIsClaimableAgainAfterTheRestart() {
    start();
    String queue = "restart.expired";
    String id = jobs.submittedId(queue, "work");
    Claim lost = jobs.claimed(queue, "lease=1");
    server.stop();
    server = null;
    await("the lease runs out while the server is down").atMost(SWEPT).pollInterval(Duration.ofMillis(10))
        .until(() -> System.currentTimeMillis() > lost.leaseExpires());

    start();

    jobs.complete(id, lost.lease(), "too late").expectProblem(409);
    JsonNode requeued = awaitStatus(id, "queued");
    assertThat(requeued.path("attempt").asInt()).isEqualTo(1);
    assertThat(requeued.path("error").asText()).contains("lease");
    Claim again = jobs.claimed(queue);
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.data()).isEqualTo("work");
    jobs.complete(id, lost.lease(), "too late").expectProblem(409);
    jobs.heartbeat(id, lost.lease(), "").expectProblem(409);
    assertThat(jobs.completed(again, "done").path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void lastAttemptWhoseLeaseRanOutWhileTheServerWasDownIsDeadAfterTheRestart() {
    start();
    String queue = "restart.dead";
    String id = jobs.submitted(queue, "attempts=1", "doomed").path("id").asText();
    Claim lost = jobs.claimed(queue, "lease=1");
    server.stop();
    server = null;
    await("the lease runs out while the server is down").atMost(SWEPT).pollInterval(Duration.ofMillis(10))
        .until(() -> System.currentTimeMillis() > lost.leaseExpires());

    start();

    JsonNode dead = awaitStatus(id, "dead");
    assertThat(dead.path("error").asText()).contains("lease");
    jobs.claim(queue, "").expect(204);
  }

  @Test
  void tokenOfALeaseLostBeforeARestartIsStillRefusedAfterIt() {
    start();
    String queue = "restart.re-leased";
    String id = jobs.submittedId(queue, "work");
    Claim lost = jobs.claimed(queue, "lease=1");
    awaitStatus(id, "queued");
    Claim current = jobs.claimed(queue, "lease=600");

    restart();

    jobs.complete(id, lost.lease(), "stale").expectProblem(409);
    jobs.fail(id, lost.lease(), "", "stale").expectProblem(409);
    jobs.heartbeat(id, lost.lease(), "").expectProblem(409);
    assertThat(jobs.statusOf(id)).isEqualTo("running");
    JsonNode completed = jobs.completed(current, "fresh");
    assertThat(completed.path("attempt").asInt()).isEqualTo(2);
    assertThat(completed.path("result").asText()).isEqualTo("fresh");
  }

  @Test
  void callbackStillToBeMadeAtARestartIsMadeAfterIt() {
    // Long backoff: the second call is not due before the stop, so it is left to the next start.
    UnaryOperator<Settings> callbacks = settings -> settings.withJobs(settings.jobs().withWebhookSecret(SECRET)
        .withCallbacks(Duration.ofSeconds(2), 5, Duration.ofMinutes(5)));
    try (CallbackReceiver receiver = CallbackReceiver.answering(500)) {
      start(callbacks);
      String queue = "restart.callback";
      String id = jobs.submitted(queue, "callback=" + Api.encode(receiver.url()), "x").path("id").asText();
      jobs.completed(jobs.claimed(queue), "done");
      receiver.awaitCalls(1, PROMPTLY);
      await("the failed call is recorded").atMost(PROMPTLY)
          .until(() -> jobs.job(id).path("callback").path("attempts").asInt() == 1);
      JsonNode pending = jobs.job(id).path("callback");
      assertThat(pending.path("status").asText()).isEqualTo("pending");
      assertThat(pending.path("lastError").asText()).contains("500");
      receiver.answerFromNowOn(200);

      restart(callbacks);

      List<Call> calls = receiver.awaitCalls(2, PROMPTLY);
      Call afterRestart = calls.get(1);
      assertThat(afterRestart.signature()).isEqualTo(expectedSignature(afterRestart.body(), SECRET));
      assertThat(afterRestart.json().path("id").asText()).isEqualTo(id);
      assertThat(afterRestart.json().path("status").asText()).isEqualTo("succeeded");
      assertThat(afterRestart.json().path("result").asText()).isEqualTo("done");
      await("the call after the restart is recorded").atMost(PROMPTLY)
          .until(() -> jobs.job(id).path("callback").path("status").asText().equals("delivered"));
      assertThat(jobs.job(id).path("callback").path("attempts").asInt()).isEqualTo(2);
      receiver.assertNoMoreCallsThan(2, Duration.ofMillis(300));
    }
  }

  @Test
  void callbackPendingAtARestartWithoutAWebhookSecretIsGivenUpVisiblyNotLeftPending() {
    UnaryOperator<Settings> callbacks = settings -> settings.withJobs(settings.jobs().withWebhookSecret(SECRET)
        .withCallbacks(Duration.ofSeconds(2), 5, Duration.ofMinutes(5)));
    try (CallbackReceiver receiver = CallbackReceiver.answering(500)) {
      start(callbacks);
      String queue = "restart.nosecret";
      String id = jobs.submitted(queue, "callback=" + Api.encode(receiver.url()), "x").path("id").asText();
      jobs.completed(jobs.claimed(queue), "done");
      receiver.awaitCalls(1, PROMPTLY);
      await("the failed call is recorded").atMost(PROMPTLY)
          .until(() -> jobs.job(id).path("callback").path("attempts").asInt() == 1);

      restart();

      await("the callback is given up").atMost(PROMPTLY)
          .until(() -> jobs.job(id).path("callback").path("status").asText().equals("failed"));
      assertThat(jobs.job(id).path("callback").path("lastError").asText()).contains("no webhook secret");
      receiver.assertNoMoreCallsThan(1, Duration.ofMillis(300));
    }
  }
}

package io.switchboard.server.jobs;

import static io.switchboard.server.jobs.CallbackReceiver.expectedSignature;
import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.jobs.CallbackReceiver.Call;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job submitted with {@code callback=URL} is posted to that URL when it ends, however it ends:
 * the ended job as JSON, signed with {@code Switchboard-Signature: sha256=<HMAC-SHA256 of the exact
 * body>} keyed by the webhook secret. A call that is not answered with a 2xx (an error status, a
 * redirect, a refused connection) is made again after a backoff that doubles, up to the configured
 * number of calls; the job's {@code callback} field shows how it went.
 */
class CallbackTest {
  private static final String SECRET = "the-webhook-secret-for-callback-tests";
  private static final int CALLS = 3;
  private static final Duration BACKOFF = Duration.ofMillis(50);
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings
      .withJobs(settings.jobs().withWebhookSecret(SECRET).withCallbacks(Duration.ofSeconds(2), CALLS, BACKOFF)));

  private final JobClient jobs = new JobClient(server.api());

  private JsonNode submitWithCallback(String queue, String query, String url) {
    return jobs.submitted(queue, (query.isEmpty() ? "" : query + "&") + "callback=" + Api.encode(url), "work");
  }

  /** The job once its callback has reached {@code state}, waiting at most {@link #PROMPTLY}. */
  private JsonNode awaitCallback(String id, String state) {
    await("the callback of " + id + " is " + state).atMost(PROMPTLY).pollInterval(Duration.ofMillis(10))
        .until(() -> jobs.job(id).path("callback").path("status").asText().equals(state));
    return jobs.job(id);
  }

  private static void assertSigned(Call call) {
    assertThat(call.signature()).as("signature of %s", call.text()).isEqualTo(expectedSignature(call.body(), SECRET));
  }

  private static int freePortNobodyListensOn() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void submittedJobShowsItsCallbackPending() {
    String url = "https://example.com/hooks?for=" + uniqueChannel("x");

    JsonNode job = submitWithCallback(uniqueChannel("pending"), "", url);

    JsonNode callback = job.path("callback");
    assertThat(callback.path("url").asText()).isEqualTo(url);
    assertThat(callback.path("status").asText()).isEqualTo("pending");
    assertThat(callback.path("attempts").asInt(-1)).isZero();
    assertThat(callback.has("lastError")).isFalse();
  }

  @Test
  void jobChannelShowsTheCallbackStateButNotItsUrlWhoseQueryMayHoldSecrets() {
    String queue = uniqueChannel("private-url");
    String url = "https://example.com/hooks?token=submitters-own-secret";
    JsonNode job = submitWithCallback(queue, "", url);

    // The change is published once stored, after the submission was answered.
    String published = await("the queued change is published").atMost(PROMPTLY)
        .until(() -> server.api().read(job.path("channel").asText(), "from=earliest").expectJson(200).path("messages"),
            messages -> messages.size() == 1)
        .toString();
    assertThat(published).contains("pending").doesNotContain("submitters-own-secret");
    assertThat(jobs.job(job.path("id").asText()).path("callback").path("url").asText()).as("the handle's holder sees it").isEqualTo(url);
  }

  @Test
  void endedJobIsPostedToTheCallbackUrlSignedWithTheWebhookSecret() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(204)) {
      String queue = uniqueChannel("signed");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();
      Claim claim = jobs.claimed(queue);
      assertThat(receiver.calls()).as("no call before the job ends").isEmpty();

      JsonNode completed = jobs.completed(claim, "{\"thumbnail\":\"cat-64.png\"}");

      Call call = receiver.awaitCalls(1, PROMPTLY).get(0);
      assertThat(call.method()).isEqualTo("POST");
      assertThat(call.path()).isEqualTo(CallbackReceiver.PATH);
      assertThat(call.contentType()).startsWith("application/json");
      assertSigned(call);
      assertThat(call.json()).as("the ended job, as its submitter sees it").isEqualTo(completed);
      assertThat(call.json().path("result").asText()).isEqualTo("{\"thumbnail\":\"cat-64.png\"}");
      assertThat(call.text()).as("the worker's token is not in it").doesNotContain(claim.lease());

      JsonNode delivered = awaitCallback(id, "delivered").path("callback");
      assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
      assertThat(delivered.has("lastError")).isFalse();
      receiver.assertNoMoreCallsThan(1, Duration.ofMillis(300));
    }
  }

  @Test
  void signatureCoversTheExactBodyWithItsUnicode() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200)) {
      String queue = uniqueChannel("unicode");
      submitWithCallback(queue, "", receiver.url());

      jobs.completed(jobs.claimed(queue), "naïve café ✓ \uD83D\uDE00 \"quoted\" \\ back\nslash");

      Call call = receiver.awaitCalls(1, PROMPTLY).get(0);
      assertSigned(call);
      assertThat(call.json().path("result").asText()).isEqualTo("naïve café ✓ \uD83D\uDE00 \"quoted\" \\ back\nslash");
      assertThat(call.signature()).as("a different key gives a different signature")
          .isNotEqualTo(expectedSignature(call.body(), SECRET + "x"));
    }
  }

  @Test
  void failedJobIsCalledBackWithItsError() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200)) {
      String queue = uniqueChannel("failed");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();
      Claim claim = jobs.claimed(queue);

      jobs.fail(id, claim.lease(), "", "could not decode image").expect(200);

      JsonNode body = receiver.awaitCalls(1, PROMPTLY).get(0).json();
      assertThat(body.path("status").asText()).isEqualTo("failed");
      assertThat(body.path("error").asText()).isEqualTo("could not decode image");
      awaitCallback(id, "delivered");
    }
  }

  @Test
  void retriedJobIsCalledBackOnceWhenItFinallyEnds() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200)) {
      String queue = uniqueChannel("retried");
      String id = submitWithCallback(queue, "attempts=2", receiver.url()).path("id").asText();

      jobs.fail(id, jobs.claimed(queue).lease(), "retry=true", "transient").expect(200);
      assertThat(receiver.calls()).as("a retry is not an end").isEmpty();
      jobs.completed(jobs.claimed(queue), "ok");

      JsonNode body = receiver.awaitCalls(1, PROMPTLY).get(0).json();
      assertThat(body.path("status").asText()).isEqualTo("succeeded");
      assertThat(body.path("attempt").asInt()).isEqualTo(2);
      receiver.assertNoMoreCallsThan(1, Duration.ofMillis(300));
    }
  }

  @Test
  void deadJobIsCalledBack() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200)) {
      String queue = uniqueChannel("dead");
      String id = submitWithCallback(queue, "attempts=1", receiver.url()).path("id").asText();

      jobs.claimed(queue, "lease=1");

      Call call = receiver.awaitCalls(1, Duration.ofSeconds(5)).get(0);
      assertSigned(call);
      assertThat(call.json().path("status").asText()).isEqualTo("dead");
      assertThat(call.json().path("error").asText()).contains("lease");
      awaitCallback(id, "delivered");
    }
  }

  @Test
  void receiverThatFailsTwiceGetsAThirdCallAfterDoublingBackoffs() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200, 500, 500)) {
      String queue = uniqueChannel("flaky-receiver");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();

      jobs.completed(jobs.claimed(queue), "done");

      JsonNode callback = awaitCallback(id, "delivered").path("callback");
      assertThat(callback.path("attempts").asInt()).isEqualTo(3);
      assertThat(callback.has("lastError")).as("delivered: no error left: %s", callback).isFalse();
      List<Call> calls = receiver.calls();
      assertThat(calls).hasSize(3);
      assertThat(calls).extracting(Call::text).as("the same body every time").containsOnly(calls.get(0).text());
      calls.forEach(CallbackTest::assertSigned);
      long firstGap = TimeUnit.NANOSECONDS.toMillis(calls.get(1).arrivedNanos() - calls.get(0).arrivedNanos());
      long secondGap = TimeUnit.NANOSECONDS.toMillis(calls.get(2).arrivedNanos() - calls.get(1).arrivedNanos());
      assertThat(firstGap).as("the configured backoff").isGreaterThanOrEqualTo(BACKOFF.toMillis());
      assertThat(secondGap).as("the backoff doubled").isGreaterThanOrEqualTo(2 * BACKOFF.toMillis());
    }
  }

  @Test
  void receiverThatAlwaysFailsMakesTheCallbackFailedAfterTheConfiguredCalls() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(503)) {
      String queue = uniqueChannel("broken-receiver");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();

      jobs.completed(jobs.claimed(queue), "done");

      JsonNode job = awaitCallback(id, "failed");
      JsonNode callback = job.path("callback");
      assertThat(callback.path("attempts").asInt()).isEqualTo(CALLS);
      assertThat(callback.path("lastError").asText()).contains("503");
      assertThat(job.path("status").asText()).as("the job itself still succeeded").isEqualTo("succeeded");
      receiver.assertNoMoreCallsThan(CALLS, Duration.ofMillis(500));
    }
  }

  @Test
  void unreachableReceiverMakesTheCallbackFailedAfterTheConfiguredCalls() throws IOException {
    String url = "http://127.0.0.1:" + freePortNobodyListensOn() + "/hook";
    String queue = uniqueChannel("unreachable");
    String id = submitWithCallback(queue, "", url).path("id").asText();

    jobs.completed(jobs.claimed(queue), "done");

    JsonNode callback = awaitCallback(id, "failed").path("callback");
    assertThat(callback.path("attempts").asInt()).isEqualTo(CALLS);
    assertThat(callback.path("lastError").asText()).isNotBlank();
  }

  @Test
  void redirectIsNotFollowedButCountsAsAFailedCall() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(200, 302)) {
      String queue = uniqueChannel("redirect");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();

      jobs.completed(jobs.claimed(queue), "done");

      JsonNode callback = awaitCallback(id, "delivered").path("callback");
      assertThat(callback.path("attempts").asInt()).isEqualTo(2);
      assertThat(receiver.calls()).extracting(Call::path).containsExactly(CallbackReceiver.PATH, CallbackReceiver.PATH);
    }
  }

  @Test
  void eventStreamReconnectAfterTheEndIsAnswered204AlsoOnceTheCallbackWasMade() {
    try (CallbackReceiver receiver = CallbackReceiver.answering(500)) {
      String queue = uniqueChannel("stream-callback");
      String id = submitWithCallback(queue, "", receiver.url()).path("id").asText();
      String lastEventId;
      try (EventStreamClient stream = EventStreamClient.open(server.api().port(), JobClient.jobPath(id)).expectStream()) {
        stream.awaitEvents(1, PROMPTLY);
        jobs.completed(jobs.claimed(queue), "done");
        stream.awaitEnd(PROMPTLY);
        List<SseEvent> events = stream.events();
        assertThat(events).extracting(SseEvent::type).containsExactly("queued", "running", "succeeded");
        lastEventId = events.get(events.size() - 1).lastEventId();
      }
      // Recording each call's outcome changes the ended job's revision, not its status.
      awaitCallback(id, "failed");

      try (EventStreamClient again = EventStreamClient.open(server.api().port(), JobClient.jobPath(id), "Last-Event-ID", lastEventId)) {
        assertThat(again.status()).as("the end was seen; got: %s %s", again.raw(), again.reply().text()).isEqualTo(204);
      }
    }
  }
}

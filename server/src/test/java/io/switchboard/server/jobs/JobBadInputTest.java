package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Everything a submitter or worker can get wrong on the job endpoints is a problem answer
 * ({@code application/problem+json}) with the status that says what: 400 for a bad queue name,
 * parameter, header, body encoding or callback URL; 404 for a job that is not there (whatever the
 * id looks like); 409 for a lease token that does not hold the job; 413 for a body over
 * max-message-size; 405 with Allow for a wrong method. None of them queues or changes a job.
 */
class JobBadInputTest {
  private static final int SMALL_MAX = 1024;
  private static final String SECRET = "a-webhook-secret-of-some-length";
  private static final String UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAAAA";

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings
      .withMaxMessageSize(SMALL_MAX)
      .withJobs(settings.jobs().withWebhookSecret(SECRET)));
  @RegisterExtension static final ServerFixture withoutSecret = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final JobClient jobs = new JobClient(api);

  private static byte[] ascii(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return bytes;
  }

  /** Not UTF-8: a lead byte followed by a byte that cannot continue it. */
  private static final byte[] NOT_UTF8 = {'o', 'k', (byte) 0xC3, (byte) 0x28};

  private void assertNothingQueued(String queue) {
    assertThat(jobs.counts(queue).path("total").asInt()).as("jobs in %s", queue).isZero();
  }

  /** A job claimed from a queue of its own. */
  private Claim runningJob(String hint) {
    String queue = uniqueChannel(hint);
    jobs.submittedId(queue, "x");
    return jobs.claimed(queue);
  }

  /** A job that succeeded, with the token that completed it. */
  private Claim endedJob(String hint) {
    Claim claim = runningJob(hint);
    jobs.completed(claim, "done");
    return claim;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {UNKNOWN_ID, "nope", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA", "a.b.c", "%20", "%C3%A4%C3%A4"})
  void unknownJobIsA404ProblemOnEveryEndpoint(String id) {
    String detail = jobs.status(id, "").expectProblem(404);
    assertThat(detail).contains("no job");
    jobs.status(id, "wait=1").expectProblem(404);
    jobs.complete(id, "some-token", "result").expectProblem(404);
    jobs.fail(id, "some-token", "", "error").expectProblem(404);
    jobs.fail(id, "some-token", "retry=true", "error").expectProblem(404);
    jobs.heartbeat(id, "some-token", "").expectProblem(404);
  }

  @Test
  void workerCallsWithoutTheLeaseHeaderAre400AndChangeNothing() {
    Claim claim = runningJob("no-header");

    assertThat(jobs.complete(claim.id(), null, "result").expectProblem(400)).contains(JobClient.LEASE);
    jobs.fail(claim.id(), null, "", "error").expectProblem(400);
    jobs.heartbeat(claim.id(), null, "").expectProblem(400);
    jobs.complete(claim.id(), "   ", "result").expectProblem(400);

    JsonNode job = jobs.job(claim.id());
    assertThat(job.path("status").asText()).isEqualTo("running");
    assertThat(job.path("leaseExpires").asLong()).isEqualTo(claim.leaseExpires());
  }

  @Test
  void workerCallsWithAWrongTokenAre409AndChangeNothing() {
    Claim claim = runningJob("wrong-token");
    Claim other = runningJob("other-job");

    jobs.complete(claim.id(), "not-the-token", "result").expectProblem(409);
    jobs.complete(claim.id(), other.lease(), "result").expectProblem(409);
    jobs.complete(claim.id(), claim.lease() + "x", "result").expectProblem(409);
    jobs.fail(claim.id(), other.lease(), "", "error").expectProblem(409);
    jobs.heartbeat(claim.id(), other.lease(), "lease=600").expectProblem(409);

    JsonNode job = jobs.job(claim.id());
    assertThat(job.path("status").asText()).isEqualTo("running");
    assertThat(job.path("leaseExpires").asLong()).isEqualTo(claim.leaseExpires());
    jobs.completed(claim, "the right worker finishes");
  }

  @Test
  void workerCallsOnAJobNobodyClaimedAre409() {
    String queue = uniqueChannel("unclaimed");
    String id = jobs.submittedId(queue, "x");

    jobs.complete(id, "any-token", "result").expectProblem(409);
    jobs.fail(id, "any-token", "", "error").expectProblem(409);
    jobs.heartbeat(id, "any-token", "").expectProblem(409);

    assertThat(jobs.statusOf(id)).isEqualTo("queued");
  }

  @Test
  void workerCallsOnAnEndedJobAre409EvenWithItsOwnToken() {
    Claim claim = endedJob("ended");
    JsonNode ended = jobs.job(claim.id());

    String detail = jobs.complete(claim.id(), claim.lease(), "again").expectProblem(409);
    assertThat(detail).contains("ended");
    jobs.fail(claim.id(), claim.lease(), "", "too late").expectProblem(409);
    jobs.fail(claim.id(), claim.lease(), "retry=true", "too late").expectProblem(409);
    jobs.heartbeat(claim.id(), claim.lease(), "").expectProblem(409);

    assertThat(jobs.job(claim.id())).isEqualTo(ended);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a..b", ".a", "a.", "a*b", "a%3Eb", "a%20b", "%C3%A4", "a%00b", "a%2Ab.c"})
  void badQueueNameIsA400Problem(String queue) {
    assertThat(jobs.submit(queue, "", "x").expectProblem(400)).contains("queue");
    jobs.claim(queue, "").expectProblem(400);
    jobs.claim(queue, "wait=1").expectProblem(400);
    api.get("/v1/queues/" + queue).expectProblem(400);
  }

  @Test
  void queueNameOfMoreThan200CharactersIsA400Problem() {
    String longest = "q" + "x".repeat(199);
    String tooLong = longest + "x";

    assertThat(jobs.submit(tooLong, "", "x").expectProblem(400)).contains("200");
    jobs.claim(tooLong, "").expectProblem(400);
    api.get("/v1/queues/" + tooLong).expectProblem(400);
    JsonNode job = jobs.submitted(longest, "", "x");
    assertThat(job.path("channel").asText()).as("its channel name is within limits").endsWith(job.path("id").asText());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"attempts=0", "attempts=101", "attempts=-1", "attempts=abc", "attempts=", "attempts=1.5",
      "attempts=99999999999", "attempts=1&attempts=2"})
  void badSubmitParameterIsA400ProblemAndQueuesNothing(String query) {
    String queue = uniqueChannel("bad-submit");

    jobs.submit(queue, query, "x").expectProblem(400);

    assertNothingQueued(queue);
  }

  // The JDK client refuses to send a malformed escape, so this one goes over a plain socket.
  @Test
  void queryThatIsNotValidPercentEncodingIsA400Problem() throws Exception {
    String queue = uniqueChannel("bad-escape");
    String request = "POST " + JobClient.jobsPath(queue) + "?attempts=%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: 1\r\nConnection: close\r\n\r\nx";

    RawHttp.exchange(api.port(), request.getBytes(StandardCharsets.US_ASCII)).expectProblem(400);

    assertNothingQueued(queue);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"wait=61", "wait=-1", "wait=abc", "wait=", "wait=1.5", "lease=0", "lease=3601", "lease=-5",
      "lease=abc", "lease=", "lease=1.5", "wait=1&wait=2"})
  void badClaimParameterIsA400ProblemAndClaimsNothing(String query) {
    String queue = uniqueChannel("bad-claim");
    String id = jobs.submittedId(queue, "x");

    jobs.claim(queue, query).expectProblem(400);

    assertThat(jobs.statusOf(id)).isEqualTo("queued");
  }

  @Test
  void claimParametersAtTheirLimitsAreAccepted() {
    String queue = uniqueChannel("claim-limits");
    jobs.submittedId(queue, "x");
    jobs.submittedId(queue, "y");

    jobs.claim(queue, "wait=0&lease=1").expect(200);
    jobs.claim(queue, "wait=60&lease=3600").expect(200);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"wait=0", "wait=61", "wait=abc", "wait=", "wait=-1"})
  void badStatusWaitIsA400Problem(String query) {
    String id = jobs.submittedId(uniqueChannel("bad-wait"), "x");

    jobs.status(id, query).expectProblem(400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lease=0", "lease=3601", "lease=abc", "lease=", "lease=1.5"})
  void badHeartbeatLeaseIsA400ProblemAndKeepsTheLease(String query) {
    Claim claim = runningJob("bad-heartbeat");

    jobs.heartbeat(claim.id(), claim.lease(), query).expectProblem(400);

    assertThat(jobs.job(claim.id()).path("leaseExpires").asLong()).isEqualTo(claim.leaseExpires());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"retry=yes", "retry=1", "retry=", "retry=TRUE", "retry=true&retry=false"})
  void badRetryIsA400ProblemAndTheJobKeepsRunning(String query) {
    Claim claim = runningJob("bad-retry");

    jobs.fail(claim.id(), claim.lease(), query, "error").expectProblem(400);

    assertThat(jobs.statusOf(claim.id())).isEqualTo("running");
  }

  @Test
  void submitBodyOverMaxMessageSizeIsA413ProblemAndQueuesNothing() {
    String queue = uniqueChannel("too-big");

    String detail = jobs.submit(queue, "", ascii(SMALL_MAX + 1)).expectProblem(413);

    assertThat(detail).contains(String.valueOf(SMALL_MAX));
    assertNothingQueued(queue);
    jobs.submit(queue, "", ascii(SMALL_MAX)).expect(202);
    assertThat(jobs.claimed(queue).data()).hasSize(SMALL_MAX);
  }

  @Test
  void resultOrErrorOverMaxMessageSizeIsA413ProblemAndTheJobKeepsRunning() {
    Claim claim = runningJob("result-too-big");

    jobs.complete(claim.id(), claim.lease(), ascii(SMALL_MAX + 1)).expectProblem(413);
    jobs.fail(claim.id(), claim.lease(), "", ascii(SMALL_MAX + 1)).expectProblem(413);

    assertThat(jobs.statusOf(claim.id())).isEqualTo("running");
    JsonNode completed = jobs.complete(claim.id(), claim.lease(), ascii(SMALL_MAX)).expectJson(200);
    assertThat(completed.path("result").asText()).hasSize(SMALL_MAX);
  }

  @Test
  void bodiesThatAreNotUtf8AreA400Problem() {
    String queue = uniqueChannel("not-utf8");
    assertThat(jobs.submit(queue, "", NOT_UTF8).expectProblem(400)).contains("UTF-8");
    assertNothingQueued(queue);

    Claim claim = runningJob("not-utf8-result");
    jobs.complete(claim.id(), claim.lease(), NOT_UTF8).expectProblem(400);
    jobs.fail(claim.id(), claim.lease(), "", NOT_UTF8).expectProblem(400);
    assertThat(jobs.statusOf(claim.id())).isEqualTo("running");
  }

  @ParameterizedTest(name = "callback=[{0}]")
  @ValueSource(strings = {"ftp://example.com/hook", "/relative/hook", "example.com/hook", "mailto:ops@example.com",
      "file:///etc/passwd", "javascript:alert(1)", "http://", "http:///path-only", "http://user:secret@example.com/hook",
      "http://exa mple.com/hook", "", "ws://example.com/hook"})
  void callbackThatIsNotAnAbsoluteHttpUrlIsA400Problem(String url) {
    String queue = uniqueChannel("bad-callback");

    jobs.submit(queue, "callback=" + Api.encode(url), "x").expectProblem(400);

    assertNothingQueued(queue);
  }

  @Test
  void callbackUrlLongerThan2048CharactersIsA400Problem() {
    String queue = uniqueChannel("long-callback");
    String prefix = "http://example.com/";
    String longest = prefix + "x".repeat(2048 - prefix.length());

    jobs.submit(queue, "callback=" + Api.encode(longest + "x"), "x").expectProblem(400);

    assertNothingQueued(queue);
    jobs.submit(queue, "callback=" + Api.encode(longest), "x").expect(202);
  }

  @Test
  void callbackOnAServerWithoutAWebhookSecretIsA400Problem() {
    JobClient unsigned = new JobClient(withoutSecret.api());
    String queue = uniqueChannel("no-secret");

    String detail = unsigned.submit(queue, "callback=" + Api.encode("https://example.com/hook"), "x").expectProblem(400);

    assertThat(detail).contains("webhook");
    assertThat(unsigned.counts(queue).path("total").asInt()).isZero();
    unsigned.submit(queue, "", "x").expect(202);
  }

  @ParameterizedTest(name = "Prefer: {0}")
  @ValueSource(strings = {"wait=0", "wait=61", "wait=abc", "wait=", "wait", "wait=1.5", "wait=-1", "wait=5, wait=6", "wait=\"\"",
      "wait=99999999999"})
  void badPreferWaitIsA400ProblemAndQueuesNothing(String prefer) {
    String queue = uniqueChannel("bad-prefer");

    assertThat(jobs.submit(queue, "", "x", "Prefer", prefer).expectProblem(400)).contains("wait");

    assertNothingQueued(queue);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "GET, /v1/queues/q/jobs, POST",
      "PUT, /v1/queues/q/jobs, POST",
      "DELETE, /v1/queues/q/jobs, POST",
      "GET, /v1/queues/q/claim, POST",
      "POST, /v1/queues/q, GET",
      "DELETE, /v1/queues/q, GET",
      "POST, /v1/jobs/" + UNKNOWN_ID + ", GET",
      "PUT, /v1/jobs/" + UNKNOWN_ID + ", GET",
      "DELETE, /v1/jobs/" + UNKNOWN_ID + ", GET",
      "GET, /v1/jobs/" + UNKNOWN_ID + "/complete, POST",
      "PUT, /v1/jobs/" + UNKNOWN_ID + "/fail, POST",
      "GET, /v1/jobs/" + UNKNOWN_ID + "/heartbeat, POST",
  })
  void wrongMethodIsA405ProblemNamingTheAllowedMethods(String method, String path, String allowed) {
    Reply reply = api.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "x".getBytes(StandardCharsets.UTF_8));

    reply.expectProblem(405);
    assertThat(reply.header("Allow")).isEqualTo(allowed);
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.frame;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WebSocket worker: {@code work} has jobs pushed to it, at most {@code max} held at once; it
 * completes, fails and extends them over the same socket; the jobs it holds go back to the queue
 * when it disconnects; bad frames get error frames with the HTTP API's statuses.
 */
class WsWorkerTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void disconnect() {
    clients.forEach(WsClient::close);
  }

  private WsClient connect() {
    WsClient client = WsClient.connect(server.server().port());
    clients.add(client);
    return client;
  }

  private String submit(String queue, String data) {
    return api.send("POST", "/v1/queues/" + queue + "/jobs", data.getBytes(UTF_8)).expectJson(202).path("id").asText();
  }

  private static JsonNode nextJob(WsClient worker) {
    JsonNode frame = worker.next();
    assertThat(frame.path("op").asText()).as("pushed frame %s", frame).isEqualTo("job");
    return frame;
  }

  @Test
  void workerIsPushedAtMostMaxJobsAndTheNextOneAsItCompletesOne() {
    String queue = uniqueChannel("ws-work");
    for (int i = 0; i < 3; i++) {
      submit(queue, "job " + i);
    }
    WsClient worker = connect();
    worker.send(frame("op", "work", "queue", queue, "max", 2, "ref", "w"));
    worker.ack("w");

    JsonNode first = nextJob(worker);
    JsonNode second = nextJob(worker);
    assertThat(List.of(first.path("data").asText(), second.path("data").asText())).containsExactly("job 0", "job 1");
    assertThat(api.get("/v1/queues/" + queue).expectJson(200).path("queued").asLong()).as("the third waits: max is 2").isEqualTo(1);

    worker.send(frame("op", "complete", "id", first.path("id").asText(), "lease", first.path("lease").asText(), "result", "ok",
        "ref", "c1"));
    assertThat(worker.ack("c1").path("status").asText()).isEqualTo("succeeded");
    JsonNode third = nextJob(worker);
    assertThat(third.path("data").asText()).isEqualTo("job 2");
    assertThat(api.get("/v1/jobs/" + first.path("id").asText()).expectJson(200).path("result").asText()).isEqualTo("ok");
  }

  @Test
  void jobSubmittedAfterTheWorkerAskedIsPushedAtOnce() {
    String queue = uniqueChannel("ws-late");
    WsClient worker = connect();
    worker.send(frame("op", "work", "queue", queue, "ref", "w"));
    worker.ack("w");
    String id = submit(queue, "late");
    JsonNode job = nextJob(worker);
    assertThat(job.path("id").asText()).isEqualTo(id);
    assertThat(job.path("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void failWithRetryPutsTheJobBackAndHeartbeatExtendsTheLease() {
    String queue = uniqueChannel("ws-fail");
    String id = submit(queue, "flaky");
    WsClient worker = connect();
    worker.send(frame("op", "work", "queue", queue, "lease", 5, "ref", "w"));
    worker.ack("w");
    JsonNode job = nextJob(worker);
    long leaseExpires = job.path("leaseExpires").asLong();

    worker.send(frame("op", "heartbeat", "id", id, "lease", job.path("lease").asText(), "seconds", 60, "ref", "h"));
    assertThat(worker.ack("h").path("leaseExpires").asLong()).isGreaterThan(leaseExpires + 30_000);

    worker.send(frame("op", "fail", "id", id, "lease", job.path("lease").asText(), "error", "disk full", "retry", true, "ref", "f"));
    assertThat(worker.ack("f").path("status").asText()).isEqualTo("queued");
    JsonNode again = nextJob(worker);
    assertThat(again.path("id").asText()).isEqualTo(id);
    assertThat(again.path("attempt").asInt()).isEqualTo(2);
    assertThat(again.path("lease").asText()).isNotEqualTo(job.path("lease").asText());
  }

  @Test
  void jobsHeldByAWorkerGoBackToTheQueueWhenItDisconnects() {
    String queue = uniqueChannel("ws-gone");
    String id = submit(queue, "orphan");
    WsClient worker = connect();
    worker.send(frame("op", "work", "queue", queue, "ref", "w"));
    worker.ack("w");
    nextJob(worker);
    worker.close();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode status = api.get("/v1/jobs/" + id).expectJson(200);
      assertThat(status.path("status").asText()).isEqualTo("queued");
      assertThat(status.path("error").asText()).contains("WebSocket closed");
    });
    JsonNode claimed = api.send("POST", "/v1/queues/" + queue + "/claim", new byte[0]).expectJson(200);
    assertThat(claimed.path("id").asText()).isEqualTo(id);
    assertThat(claimed.path("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void maxZeroStopsTakingNewJobs() {
    String queue = uniqueChannel("ws-pause");
    WsClient worker = connect();
    worker.send(frame("op", "work", "queue", queue, "max", 1, "ref", "w"));
    worker.ack("w");
    worker.send(frame("op", "work", "queue", queue, "max", 0, "ref", "pause"));
    worker.ack("pause");
    String id = submit(queue, "not for the paused worker");

    JsonNode claimed = api.send("POST", "/v1/queues/" + queue + "/claim?wait=5", new byte[0]).expectJson(200);
    assertThat(claimed.path("id").asText()).as("an HTTP worker gets it, not the paused one").isEqualTo(id);
    worker.assertStillUsable();
  }

  @Test
  void oneConnectionWorksOnAtMost32QueuesSoThatItsWaitingClaimsStayBounded() {
    String prefix = uniqueChannel("ws-many");
    WsClient worker = connect();
    for (int i = 0; i < 32; i++) {
      worker.send(frame("op", "work", "queue", prefix + "-" + i, "max", 100, "ref", "w" + i));
      worker.ack("w" + i);
    }

    worker.send(frame("op", "work", "queue", prefix + "-32", "ref", "over"));
    assertThat(errorFor(worker, "over", 429)).contains("32 queues");
    worker.send(frame("op", "work", "queue", prefix + "-0", "max", 0, "ref", "again"));
    worker.ack("again");
  }

  @Test
  void badWorkerFramesGetErrorFramesWithTheHttpStatuses() {
    String queue = uniqueChannel("ws-bad");
    String id = submit(queue, "x");
    WsClient worker = connect();
    Set<String> details = new TreeSet<>();

    worker.send(frame("op", "work", "queue", "bad queue", "ref", "q"));
    details.add(errorFor(worker, "q", 400));
    worker.send(frame("op", "work", "queue", queue, "max", 101, "ref", "m"));
    details.add(errorFor(worker, "m", 400));
    worker.send(frame("op", "complete", "id", "AAAAAAAAAAAAAAAAAAAAAA", "lease", "nope", "ref", "u"));
    details.add(errorFor(worker, "u", 404));
    worker.send(frame("op", "complete", "id", id, "lease", "not-the-lease", "ref", "l"));
    details.add(errorFor(worker, "l", 409));
    worker.send(frame("op", "complete", "id", id, "ref", "n"));
    details.add(errorFor(worker, "n", 400));
    worker.send(frame("op", "fail", "id", id, "lease", "x", "retry", "yes", "ref", "r"));
    details.add(errorFor(worker, "r", 400));

    assertThat(details).allSatisfy(detail -> assertThat(detail).isNotBlank());
    worker.assertStillUsable();
  }

  /** Found by ClientFramePropertiesTest: 2^64 was read through a long that wrapped around to 0. */
  @Test
  void workWithANumberBeyondTheRangeOfALongIsAnsweredWith400NotTakenAsASmallNumber() {
    String queue = uniqueChannel("ws-huge");
    WsClient worker = connect();

    worker.send(frame("op", "work", "queue", queue, "max", BigInteger.ONE.shiftLeft(64), "ref", "max"));
    String maxDetail = errorFor(worker, "max", 400);
    worker.send(frame("op", "work", "queue", queue, "lease", BigInteger.ONE.shiftLeft(64).add(BigInteger.TEN), "ref", "lease"));
    String leaseDetail = errorFor(worker, "lease", 400);

    assertThat(maxDetail).contains("\"max\" must be a whole number from 0 to");
    assertThat(leaseDetail).contains("\"lease\" must be a whole number from 1 to");
    worker.assertStillUsable();
  }

  private static String errorFor(WsClient client, String ref, int status) {
    JsonNode answer = client.next();
    assertThat(answer.path("op").asText()).as("answer to %s: %s", ref, answer).isEqualTo("error");
    assertThat(answer.path("ref").asText()).isEqualTo(ref);
    assertThat(answer.path("status").asInt()).as("status of %s: %s", ref, answer).isEqualTo(status);
    return answer.path("detail").asText();
  }
}

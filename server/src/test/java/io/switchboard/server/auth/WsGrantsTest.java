package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.Tokens;
import io.switchboard.server.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Grants on the WebSocket: the connection carries the token it was opened with, and each subscribe,
 * publish and job op is checked against it; a refused op gets an error frame with 401 or 403 and
 * the connection stays usable.
 */
class WsGrantsTest {
  private static final String SECRET = AuthMatrixTest.SECRET;

  /** Authentication on, and only {@code public.>} readable without a token. */
  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withAuth(settings.auth().withSecret(SECRET)
      .withAnonymous(List.of(), List.of("public.>"))));

  private static final String ROOT = "Bearer " + Tokens.everything("root").hs256(SECRET);

  private static Api root() {
    return server.api().as(ROOT);
  }

  private static WsClient connect(Tokens tokens) throws Exception {
    return WsClient.connectAsync(server.api().port(), "/v1/ws", "Authorization", "Bearer " + tokens.hs256(SECRET)).get(10, TimeUnit.SECONDS);
  }

  private static JsonNode answerTo(WsClient client, String ref) {
    return client.take("the answer to " + ref, frame -> ref.equals(frame.path("ref").asText()));
  }

  @Test
  void anAnonymousConnectionMayDoWhatAnonymousCallersMayAndIsAskedForATokenOtherwise() throws Exception {
    String open = "public." + ServerFixture.uniqueChannel("news");
    try (WsClient client = WsClient.connectAsync(server.api().port(), "/v1/ws").get(10, TimeUnit.SECONDS)) {
      client.subscribe(open);

      client.send(WsClient.frame("op", "subscribe", "channel", "orders.1", "ref", "s2"));
      JsonNode refused = answerTo(client, "s2");
      client.send(WsClient.frame("op", "publish", "channel", open, "data", "x", "ref", "p1"));
      JsonNode publishRefused = answerTo(client, "p1");

      assertThat(refused.path("op").asText()).isEqualTo("error");
      assertThat(refused.path("status").asInt()).isEqualTo(401);
      assertThat(publishRefused.path("status").asInt()).isEqualTo(401);
      client.assertStillUsable();
    }
  }

  @Test
  void eachOpIsCheckedAgainstTheTokensGrants() throws Exception {
    String prefix = ServerFixture.uniqueChannel("orders");
    String queue = ServerFixture.uniqueChannel("q");
    try (WsClient client = connect(Tokens.forSubject("a").subscribe(prefix + ".42"))) {
      client.send(WsClient.frame("op", "subscribe", "channel", prefix + ".*", "ref", "pattern"));
      client.send(WsClient.frame("op", "publish", "channel", prefix + ".42", "data", "x", "ref", "publish"));
      client.send(WsClient.frame("op", "work", "queue", queue, "ref", "work"));

      for (String ref : List.of("pattern", "publish", "work")) {
        JsonNode answer = answerTo(client, ref);
        assertThat(answer.path("op").asText()).as(ref).isEqualTo("error");
        assertThat(answer.path("status").asInt()).as(ref).isEqualTo(403);
      }
      client.subscribe(prefix + ".42");
    }
  }

  @Test
  void aSubscriberNeverReceivesAMessageOfAChannelItIsNotGranted() throws Exception {
    String prefix = ServerFixture.uniqueChannel("leak");
    try (WsClient client = connect(Tokens.forSubject("a").subscribe(prefix + ".mine"))) {
      client.subscribe(prefix + ".mine");
      client.send(WsClient.frame("op", "subscribe", "channel", prefix + ".>", "ref", "all"));
      assertThat(answerTo(client, "all").path("status").asInt()).isEqualTo(403);

      root().publish(prefix + ".theirs", "secret").expect(201);
      root().publish(prefix + ".mine", "mine").expect(201);

      JsonNode delivered = client.take("a message", frame -> "message".equals(frame.path("op").asText()));
      assertThat(delivered.path("channel").asText()).isEqualTo(prefix + ".mine");
      assertThat(client.drainUnread()).noneMatch(frame -> frame.path("channel").asText().endsWith(".theirs"));
    }
  }

  @Test
  void jobOpsOnAnotherQueuesJobAreRefusedAndChangeNothing() throws Exception {
    String queue = ServerFixture.uniqueChannel("theirs");
    root().send("POST", "/v1/queues/" + queue + "/jobs", "x".getBytes(StandardCharsets.UTF_8)).expect(202);
    JsonNode claim = root().send("POST", "/v1/queues/" + queue + "/claim", null).expectJson(200);
    String id = claim.path("id").asText();
    String lease = claim.path("lease").asText();
    try (WsClient client = connect(Tokens.forSubject("w").grants(Map.of("jobs", Map.of("work", List.of(queue + "-mine")))))) {
      client.send(WsClient.frame("op", "complete", "id", id, "lease", lease, "result", "stolen", "ref", "c"));
      client.send(WsClient.frame("op", "fail", "id", id, "lease", lease, "error", "sabotage", "ref", "f"));
      client.send(WsClient.frame("op", "heartbeat", "id", id, "lease", lease, "ref", "h"));

      for (String ref : List.of("c", "f", "h")) {
        assertThat(answerTo(client, ref).path("status").asInt()).as(ref).isEqualTo(403);
      }
      JsonNode job = root().get("/v1/jobs/" + id).expectJson(200);
      assertThat(job.path("status").asText()).isEqualTo("running");
      assertThat(job.path("leaseExpires").asLong()).isEqualTo(claim.path("leaseExpires").asLong());
    }
  }

  @Test
  void theTokenMayComeInTheUrlForClientsThatCannotSetHeaders() throws Exception {
    String channel = ServerFixture.uniqueChannel("browser");
    String token = Tokens.forSubject("a").subscribe(channel).hs256(SECRET);
    try (WsClient client = WsClient.connectAsync(server.api().port(), "/v1/ws?access_token=" + token).get(10, TimeUnit.SECONDS)) {
      client.subscribe(channel);
    }
  }

  @Test
  void theConnectionClosesWhenItsTokenExpires() throws Exception {
    try (WsClient client = connect(Tokens.forSubject("a").subscribe("x").expiresAt(Instant.now().plusSeconds(2)))) {
      WsClient.Closure closure = client.awaitClosure(Duration.ofSeconds(10));

      assertThat(closure.code()).isEqualTo(4003);
      assertThat(closure.reason()).contains("token expired");
    }
  }
}

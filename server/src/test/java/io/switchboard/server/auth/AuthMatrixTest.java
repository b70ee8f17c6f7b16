package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.Tokens;
import io.switchboard.server.testing.WsClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint of the HTTP API, and the WebSocket upgrade, against every kind of credential: no
 * token, garbage, a bad signature, another key, the wrong algorithm, {@code alg: none}, expired,
 * not yet valid, valid without the grant, and valid with it. Only the last may pass; the invalid
 * ones get 401 and the one without the grant 403, each as problem+json.
 */
class AuthMatrixTest {
  static final String SECRET = "a-test-secret-of-at-least-32-bytes!";

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withAuth(settings.auth().withSecret(SECRET)));

  /** Everything, for setting up what an endpoint acts on. */
  private static final String ROOT = Tokens.everything("alice").hs256(SECRET);

  enum Credential {
    NO_TOKEN(401),
    GARBAGE(401),
    BAD_SIGNATURE(401),
    OTHER_KEY(401),
    WRONG_ALGORITHM(401),
    ALG_NONE(401),
    EXPIRED(401),
    NOT_YET_VALID(401),
    VALID_WITHOUT_GRANT(403),
    VALID_WITH_GRANT(0);

    final int refusal;

    Credential(int refusal) {
      this.refusal = refusal;
    }

    /** The Authorization header for a caller that needs {@code grant}; null for none. */
    String header(Map<String, Object> grant) {
      Tokens alice = Tokens.forSubject("alice").grants(grant);
      String token = switch (this) {
        case NO_TOKEN -> null;
        case GARBAGE -> "this.is-not.a-jwt";
        case BAD_SIGNATURE -> alice.withBadSignature(SECRET);
        case OTHER_KEY -> alice.hs256("another-secret-that-is-32-bytes-long!");
        case WRONG_ALGORITHM -> alice.hs512(SECRET);
        case ALG_NONE -> alice.unsigned();
        case EXPIRED -> alice.expiresAt(Instant.now().minus(Duration.ofHours(1))).hs256(SECRET);
        case NOT_YET_VALID -> alice.notBefore(Instant.now().plus(Duration.ofHours(1))).hs256(SECRET);
        case VALID_WITHOUT_GRANT -> Tokens.forSubject("alice").grants(Map.of("subscribe", List.of("unrelated.>"))).hs256(SECRET);
        case VALID_WITH_GRANT -> alice.hs256(SECRET);
      };
      return token == null ? null : "Bearer " + token;
    }
  }

  /** One endpoint: the grant it needs, the status it answers when allowed, and how to call it. */
  record Endpoint(String name, Map<String, Object> grant, int success, Function<String, Result> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Result(int status, String contentType, String body) {
    static Result of(Reply reply) {
      return new Result(reply.status(), String.valueOf(reply.header("content-type")), reply.text());
    }
  }

  private static Api api() {
    return server.api();
  }

  private static String[] auth(String header, String... more) {
    List<String> headers = new ArrayList<>(List.of(more));
    if (header != null) {
      headers.add("Authorization");
      headers.add(header);
    }
    return headers.toArray(String[]::new);
  }

  private static Result request(String method, String path, String body, String header, String... more) {
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    return Result.of(api().send(method, path, bytes, auth(header, more)));
  }

  private static Result stream(String path, String header) {
    try (EventStreamClient client = EventStreamClient.open(api().port(), path, auth(header))) {
      if (client.status() == 200) {
        return new Result(200, client.header("content-type"), "");
      }
      return Result.of(client.reply());
    }
  }

  private static Result upgrade(String header) {
    try {
      WsClient client = WsClient.connectAsync(api().port(), "/v1/ws", auth(header)).get(10, TimeUnit.SECONDS);
      client.close();
      return new Result(101, "", "");
    } catch (Exception refused) {
      Throwable cause = refused.getCause() instanceof CompletionException ? refused.getCause().getCause() : refused.getCause();
      if (cause instanceof WebSocketHandshakeException handshake) {
        return new Result(handshake.getResponse().statusCode(),
            handshake.getResponse().headers().firstValue("content-type").orElse(""), String.valueOf(handshake.getResponse().body()));
      }
      throw new AssertionError("the upgrade failed other than by an HTTP answer", refused);
    }
  }

  private static Map<String, Object> subscribe(String pattern) {
    return Map.of("subscribe", List.of(pattern));
  }

  private static Map<String, Object> work(String queue) {
    return Map.of("jobs", Map.of("work", List.of(queue)));
  }

  private static String session(String channel) {
    JsonNode created = api().send("POST", "/v1/sessions", ("{\"channels\":[\"" + channel + "\"]}").getBytes(StandardCharsets.UTF_8),
        "Authorization", "Bearer " + ROOT).expectJson(201);
    return created.path("id").asText();
  }

  private static String job(String queue) {
    return api().send("POST", "/v1/queues/" + queue + "/jobs", "x".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ROOT)
        .expectJson(202).path("id").asText();
  }

  /** A claimed job of {@code queue}: its id and lease token. */
  private static String[] claimed(String queue) {
    job(queue);
    JsonNode claim = api().send("POST", "/v1/queues/" + queue + "/claim", null, "Authorization", "Bearer " + ROOT).expectJson(200);
    return new String[] {claim.path("id").asText(), claim.path("lease").asText()};
  }

  static List<Endpoint> endpoints() {
    String channel = ServerFixture.uniqueChannel("matrix");
    String queue = ServerFixture.uniqueChannel("matrixq");
    return List.of(
        new Endpoint("publish", Map.of("publish", List.of(channel)), 201,
            header -> request("POST", Api.messagesPath(channel), "hello", header)),
        new Endpoint("read", subscribe(channel), 200, header -> request("GET", Api.messagesPath(channel), null, header)),
        new Endpoint("long poll", subscribe(channel), 200, header -> request("GET", Api.messagesPath(channel) + "?wait=1", null, header)),
        new Endpoint("channel event stream", subscribe(channel), 200, header -> stream(Api.messagesPath(channel), header)),
        new Endpoint("subscribe poll", subscribe("matrix.*"), 200,
            header -> request("GET", "/v1/subscribe?channel=matrix.*", null, header)),
        new Endpoint("subscribe stream", subscribe("matrix.*"), 200, header -> stream("/v1/subscribe?channel=matrix.*", header)),
        new Endpoint("channel list", Map.of("admin", true), 200, header -> request("GET", "/v1/channels", null, header)),
        new Endpoint("metrics", Map.of("admin", true), 200, header -> request("GET", "/metrics", null, header)),
        new Endpoint("channel purge", Map.of("admin", true), 200, header -> request("DELETE", "/v1/channels/" + channel, null, header)),
        new Endpoint("channel status", subscribe(channel), 200, header -> {
          api().send("POST", Api.messagesPath(channel), "x".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ROOT);
          return request("GET", "/v1/channels/" + channel, null, header);
        }),
        new Endpoint("session create", subscribe(channel), 201,
            header -> request("POST", "/v1/sessions", "{\"channels\":[\"" + channel + "\"]}", header)),
        new Endpoint("session describe", subscribe(channel), 200, header -> request("GET", "/v1/sessions/" + session(channel), null, header)),
        new Endpoint("session read", subscribe(channel), 200,
            header -> request("GET", "/v1/sessions/" + session(channel) + "/messages", null, header)),
        new Endpoint("session stream", subscribe(channel), 200, header -> stream("/v1/sessions/" + session(channel) + "/messages", header)),
        new Endpoint("session ack", subscribe(channel), 204, header -> {
          String id = session(channel);
          String position = api().get("/v1/sessions/" + id + "/messages", "Authorization", "Bearer " + ROOT).expectJson(200).path("next").asText();
          return request("POST", "/v1/sessions/" + id + "/ack", "{\"id\":\"" + position + "\"}", header);
        }),
        new Endpoint("session delete", subscribe(channel), 204, header -> request("DELETE", "/v1/sessions/" + session(channel), null, header)),
        new Endpoint("job submit", Map.of("jobs", Map.of("submit", List.of(queue))), 202,
            header -> request("POST", "/v1/queues/" + queue + "/jobs", "data", header)),
        new Endpoint("queue counts", Map.of("jobs", Map.of("submit", List.of(queue))), 200,
            header -> request("GET", "/v1/queues/" + queue, null, header)),
        new Endpoint("job status", Map.of("jobs", Map.of("submit", List.of(queue))), 200,
            header -> request("GET", "/v1/jobs/" + job(queue), null, header)),
        new Endpoint("job status long poll", Map.of("jobs", Map.of("submit", List.of(queue))), 200,
            header -> request("GET", "/v1/jobs/" + job(queue) + "?wait=1", null, header)),
        new Endpoint("job event stream", Map.of("jobs", Map.of("submit", List.of(queue))), 200, header -> stream("/v1/jobs/" + job(queue), header)),
        new Endpoint("claim", work(queue + "-empty"), 204, header -> request("POST", "/v1/queues/" + queue + "-empty/claim", null, header)),
        new Endpoint("complete", work(queue), 200, header -> {
          String[] claim = claimed(queue);
          return request("POST", "/v1/jobs/" + claim[0] + "/complete", "done", header, "Switchboard-Lease", claim[1]);
        }),
        new Endpoint("fail", work(queue), 200, header -> {
          String[] claim = claimed(queue);
          return request("POST", "/v1/jobs/" + claim[0] + "/fail", "broke", header, "Switchboard-Lease", claim[1]);
        }),
        new Endpoint("heartbeat", work(queue), 200, header -> {
          String[] claim = claimed(queue);
          return request("POST", "/v1/jobs/" + claim[0] + "/heartbeat", null, header, "Switchboard-Lease", claim[1]);
        }),
        new Endpoint("WebSocket upgrade", subscribe(channel), 101, AuthMatrixTest::upgrade));
  }

  static Stream<Arguments> cases() {
    return endpoints().stream().flatMap(endpoint -> Stream.of(Credential.values()).map(credential -> Arguments.of(endpoint, credential)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("cases")
  void onlyAValidTokenWithTheGrantPasses(Endpoint endpoint, Credential credential) {
    Result result = endpoint.call().apply(credential.header(endpoint.grant()));

    if (credential == Credential.VALID_WITH_GRANT) {
      assertThat(result.status()).as("%s: %s", endpoint, result.body()).isEqualTo(endpoint.success());
      return;
    }
    // The WebSocket upgrade is refused when anonymous callers may do nothing; a token without the grant
    // still opens one, and each op is then refused (WsAuthTest).
    int expected = endpoint.success() == 101 && credential == Credential.VALID_WITHOUT_GRANT ? 101 : credential.refusal;
    assertThat(result.status()).as("%s with %s: %s", endpoint, credential, result.body()).isEqualTo(expected);
    if (expected >= 400) {
      assertThat(result.contentType()).startsWith("application/problem+json");
      if (endpoint.success() != 101) {
        // The JDK's WebSocket client does not read the body of a refused upgrade.
        assertThat(result.body()).contains("\"status\":" + expected);
      }
    }
  }
}

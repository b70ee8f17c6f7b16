package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Most publishes are served without the router ({@code DirectPublish}); the rest, such as a path with
 * a trailing slash or a cross-origin request, by the router. Each case here is sent both ways and
 * must get the same answer and store the same message.
 */
class DirectPublishTest {
  private static final String ORIGIN = "https://app.example";
  private static final String SECRET = "a-secret-for-direct-publish-tests-32+";

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings
      .withAuth(settings.auth().withSecret(SECRET).withAnonymous(List.of("open.>"), List.of("open.>")))
      .withCorsOrigins(List.of(ORIGIN)));

  private static String directPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }

  private static String routedPath(String channel) {
    return directPath(channel) + "/";
  }

  private static Reply publish(String path, String query, byte[] body, String... headers) {
    return server.api().send("POST", query.isEmpty() ? path : path + "?" + query, body, headers);
  }

  private static String openChannel(String name) {
    return "open." + ServerFixture.uniqueChannel(name);
  }

  @Test
  void aPublishStoresTheSameMessageEitherWay() {
    byte[] body = "naïve 日本 🎉".getBytes(StandardCharsets.UTF_8);
    String direct = openChannel("direct");
    String routed = openChannel("routed");

    JsonNode directAnswer = publish(directPath(direct), "event=greeting", body).expectJson(201);
    JsonNode routedAnswer = publish(routedPath(routed), "event=greeting", body).expectJson(201);

    assertThat(directAnswer.path("channel").asText()).isEqualTo(direct);
    assertThat(routedAnswer.path("channel").asText()).isEqualTo(routed);
    JsonNode directStored = server.api().readAll(direct).get(0);
    JsonNode routedStored = server.api().readAll(routed).get(0);
    assertThat(directStored.path("id").asText()).isEqualTo(directAnswer.path("id").asText());
    assertThat(directStored.path("data").asText()).isEqualTo("naïve 日本 🎉").isEqualTo(routedStored.path("data").asText());
    assertThat(directStored.path("event").asText()).isEqualTo("greeting").isEqualTo(routedStored.path("event").asText());
  }

  @Test
  void aRepeatedIdempotencyKeyIsReplayedEitherWay() {
    for (boolean viaRouter : new boolean[] {false, true}) {
      String channel = openChannel("replayed");
      String path = viaRouter ? routedPath(channel) : directPath(channel);
      byte[] body = "once".getBytes(StandardCharsets.UTF_8);

      String first = publish(path, "", body, "Idempotency-Key", "k-1").expectJson(201).path("id").asText();
      Reply again = publish(path, "", body, "Idempotency-Key", "k-1");

      assertThat(again.expectJson(201).path("id").asText()).as("via router: %s", viaRouter).isEqualTo(first);
      assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(publish(path, "", "other".getBytes(StandardCharsets.UTF_8), "Idempotency-Key", "k-1").status()).isEqualTo(422);
      assertThat(server.api().readAll(channel)).hasSize(1);
    }
  }

  @Test
  void refusalsAreTheSameEitherWayAndStoreNothing() {
    String withoutPublishGrant = "Bearer " + Tokens.forSubject("reader").subscribe(">").hs256(SECRET);
    List<Refusal> refusals = List.of(
        new Refusal("body not UTF-8", "open", "", new byte[] {(byte) 0xC3, 0x28}),
        new Refusal("event given twice", "open", "event=a&event=b", bytes("x")),
        new Refusal("anonymous on a closed channel", "closed", "", bytes("x")),
        new Refusal("token that does not verify", "open", "", bytes("x"), "Authorization", "Bearer not.a.token"),
        new Refusal("token without the grant", "closed", "", bytes("x"), "Authorization", withoutPublishGrant));

    for (Refusal refusal : refusals) {
      String directChannel = refusal.prefix() + "." + ServerFixture.uniqueChannel("refused");
      String routedChannel = refusal.prefix() + "." + ServerFixture.uniqueChannel("refused");
      Reply direct = publish(directPath(directChannel), refusal.query(), refusal.body(), refusal.headers());
      Reply routed = publish(routedPath(routedChannel), refusal.query(), refusal.body(), refusal.headers());

      assertThat(direct.status()).as(refusal.what()).isGreaterThanOrEqualTo(400).isEqualTo(routed.status());
      String directDetail = direct.expectProblem(direct.status());
      assertThat(directDetail.replace(directChannel, "C")).as(refusal.what())
          .isEqualTo(routed.expectProblem(routed.status()).replace(routedChannel, "C"));
      assertThat(direct.header("WWW-Authenticate")).as(refusal.what()).isEqualTo(routed.header("WWW-Authenticate"));
      String root = "Bearer " + Tokens.everything("root").hs256(SECRET);
      assertThat(server.api().read(directChannel, "from=earliest", "Authorization", root).expectJson(200).path("messages"))
          .as(refusal.what()).isEmpty();
    }
  }

  @Test
  void aQueryThatIsNotPercentEncodingIsRefusedEitherWay() throws Exception {
    for (String path : List.of(directPath(openChannel("escape")), routedPath(openChannel("escape")))) {
      byte[] request = ("POST " + path + "?event=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx")
          .getBytes(StandardCharsets.US_ASCII);

      String detail = RawHttp.exchange(server.server().port(), request).expectProblem(400);

      assertThat(detail).as(path).isEqualTo("the query string is not valid percent-encoding");
    }
  }

  @Test
  void theRouterServesWhatTheDirectPathLeavesToIt() {
    String channel = openChannel("left");

    Reply crossOrigin = publish(directPath(channel), "", bytes("from a page"), "Origin", ORIGIN);
    server.api().send("POST", "/v1/channels/" + channel.replace(".", "%2E") + "/messages", bytes("encoded")).expect(201);
    server.api().publishChunked(channel, bytes("chunked")).expect(201);
    String badName = publish(directPath("open.bad name".replace(" ", "%20")), "", bytes("x")).expectProblem(400);

    assertThat(crossOrigin.expectJson(201).path("channel").asText()).isEqualTo(channel);
    assertThat(crossOrigin.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(server.api().readAll(channel)).extracting(message -> message.path("data").asText())
        .containsExactly("from a page", "encoded", "chunked");
    assertThat(badName).contains("channel name");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private record Refusal(String what, String prefix, String query, byte[] body, String... headers) {}
}

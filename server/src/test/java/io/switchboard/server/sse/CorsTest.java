package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With CORS origins configured, browsers on those origins may read streams and publish; other origins get no grant. */
class CorsTest {
  private static final String ALLOWED = "https://app.example.com";
  private static final String OTHER = "https://evil.example.net";

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withCorsOrigins(List.of(ALLOWED)));

  private final Api api = server.api();

  private static List<String> listed(String header) {
    return header == null ? List.of() : Arrays.stream(header.split(",")).map(value -> value.trim().toLowerCase(Locale.ROOT)).toList();
  }

  @Test
  void allowedOriginIsGrantedOnReadsAndPublishes() {
    String channel = uniqueChannel("cors");

    Reply published = api.send("POST", Api.messagesPath(channel), "hi".getBytes(), "Origin", ALLOWED);
    Reply read = api.get(Api.messagesPath(channel) + "?from=earliest", "Origin", ALLOWED);

    published.expect(201);
    assertThat(published.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    read.expect(200);
    assertThat(read.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
  }

  @Test
  void aNamedOriginMaySendCredentialsSuchAsTheTokenCookie() {
    Reply read = api.get(Api.messagesPath(uniqueChannel("cors")), "Origin", ALLOWED);

    assertThat(read.header("Access-Control-Allow-Credentials")).isEqualTo("true");
  }

  @Test
  void allowedOriginIsGrantedOnEventStreams() {
    String channel = uniqueChannel("cors-sse");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Origin", ALLOWED).expectStream();
        EventStreamClient subscribe = EventStreamClient.open(api.port(), Api.subscribePath(List.of(channel), ""), "Origin", ALLOWED).expectStream()) {
      assertThat(stream.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
      assertThat(subscribe.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
      String id = api.publishedId(channel, "through CORS");
      assertThat(stream.awaitEvents(1, Duration.ofSeconds(5))).extracting(SseEvent::id).containsExactly(id);
    }
  }

  @Test
  void preflightForAPublishWithAnIdempotencyKeySucceeds() {
    Reply preflight = api.send("OPTIONS", Api.messagesPath(uniqueChannel("preflight")), null,
        "Origin", ALLOWED,
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "Idempotency-Key, Content-Type");

    assertThat(preflight.status()).as("status of the preflight; body: %s", preflight.text()).isBetween(200, 204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(listed(preflight.header("Access-Control-Allow-Methods"))).contains("post");
    assertThat(listed(preflight.header("Access-Control-Allow-Headers"))).contains("idempotency-key", "content-type");
  }

  @Test
  void preflightForAStreamResumedWithLastEventIdSucceeds() {
    Reply preflight = api.send("OPTIONS", Api.messagesPath(uniqueChannel("preflight-sse")), null,
        "Origin", ALLOWED,
        "Access-Control-Request-Method", "GET",
        "Access-Control-Request-Headers", "last-event-id");

    assertThat(preflight.status()).isBetween(200, 204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(listed(preflight.header("Access-Control-Allow-Headers"))).contains("last-event-id");
  }

  @Test
  void otherOriginsGetNoGrant() {
    String channel = uniqueChannel("cors-other");
    api.publishedId(channel, "m");

    Reply read = api.get(Api.messagesPath(channel), "Origin", OTHER);
    Reply preflight = api.send("OPTIONS", Api.messagesPath(channel), null,
        "Origin", OTHER, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "Idempotency-Key");

    assertThat(read.header("Access-Control-Allow-Origin")).isNull();
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Origin", OTHER)) {
      assertThat(stream.header("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Test
  void requestFromAnotherOriginIsNotTreatedAsAServerFailure() {
    String channel = uniqueChannel("cors-status");
    api.publishedId(channel, "m");

    Reply read = api.get(Api.messagesPath(channel), "Origin", OTHER);
    Reply publish = api.send("POST", Api.messagesPath(channel), "x".getBytes(), "Origin", OTHER);
    Reply preflight = api.send("OPTIONS", Api.messagesPath(channel), null, "Origin", OTHER, "Access-Control-Request-Method", "POST");

    for (Reply reply : List.of(read, publish, preflight)) {
      assertThat(reply.status()).as("status of %s from another origin; body: %s", reply.request(), reply.text()).isBetween(200, 499);
      if (reply.status() >= 400) {
        reply.expectProblem(reply.status());
      }
    }
  }

  @Test
  void requestsWithoutAnOriginAreServedAsUsual() {
    String channel = uniqueChannel("no-origin");
    api.publishedId(channel, "m");

    Reply read = api.get(Api.messagesPath(channel) + "?from=earliest");

    assertThat(read.expectJson(200).path("messages")).hasSize(1);
    assertThat(read.header("Access-Control-Allow-Origin")).isNull();
  }
}

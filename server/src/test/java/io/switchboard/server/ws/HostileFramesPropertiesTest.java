package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any text frames, sent one after the other over one WebSocket of a real server, as a stranger
 * would: each is answered (if at all) without a server error, the connection stays open, and the
 * server stays live. After each frame a ping with a fresh ref proves the connection still answers,
 * and every frame that arrived before its pong is checked.
 */
class HostileFramesPropertiesTest {
  private static final AtomicLong PROBES = new AtomicLong();
  private static SwitchboardServer server;
  private static WsClient client;

  @BeforeContainer
  static void startServer() {
    server = ServerFixture.start(UnaryOperator.identity());
  }

  @AfterContainer
  static void stopServer() {
    if (client != null) {
      client.abort();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Property(tries = 150)
  void anyTextFrameIsAnsweredWithoutAServerErrorAndTheConnectionStaysOpen(@ForAll("frames") String frame) {
    if (client == null || client.closure().isPresent()) {
      // A connection an earlier try broke has already failed that try; this one starts afresh.
      client = WsClient.connect(server.port());
    }
    String probe = "probe-" + PROBES.incrementAndGet();

    client.send(frame);
    client.send(WsClient.frame("op", "ping", "ref", probe));
    client.take("the pong to " + probe, answer -> "pong".equals(answer.path("op").asText()) && probe.equals(answer.path("ref").asText()));

    for (JsonNode answer : client.drainUnread()) {
      if ("error".equals(answer.path("op").asText())) {
        assertThat(answer.path("status").asInt()).as("status of %s", answer).isBetween(400, 499);
        assertThat(answer.path("detail").asText()).as("detail of %s", answer).isNotBlank();
      }
    }
    assertThat(client.closure()).isEmpty();
    new Api(server.port()).get("/health/live").expect(200);
  }

  /** As {@link HostileFrames#text()}, in the well-formed UTF-16 a WebSocket text frame can carry. */
  @Provide
  Arbitrary<String> frames() {
    return HostileFrames.text().map(text -> new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }
}

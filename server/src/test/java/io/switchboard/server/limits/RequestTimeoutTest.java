package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * limits.request-timeout: a connection that takes too long to send a request (nothing at all, a
 * head trickled in, a body that never ends) is closed; one whose request is in, however long it
 * is held (a stream, a long poll), is not.
 */
class RequestTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings
      .withLimits(settings.limits().withRequestTimeout(TIMEOUT))
      .withSseHeartbeat(Duration.ofSeconds(1)));

  private static int port() {
    return server.api().port();
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (RawHttp.Connection silent = RawHttp.connect(port())) {
      assertThat(silent.closedByServerWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aHeadTrickledInByteByByteIsCutOff() throws Exception {
    try (RawHttp.Connection slow = RawHttp.connect(port())) {
      slow.send("GET /health/live HTTP/1.1\r\n");
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          slow.send("X-Slow-" + i + ": a\r\n");
        } catch (java.io.IOException cut) {
          closed = true;
          break;
        }
        closed = slow.closedByServerWithin(Duration.ofMillis(200));
      }
      assertThat(closed).as("closed within 8 s of trickling").isTrue();
    }
  }

  @Test
  void aBodyThatNeverEndsIsAnswered408AndClosed() throws Exception {
    try (RawHttp.Connection partial = RawHttp.connect(port())) {
      partial.send("POST " + Api.messagesPath("timeout.body") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly part");

      Reply answer = partial.reply();

      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.text()).contains("limits.request-timeout");
      assertThat(partial.closedByServerWithin(Duration.ofSeconds(5))).isTrue();
    }
    assertThat(server.api().read("timeout.body", "from=earliest").expectJson(200).path("messages")).isEmpty();
  }

  @Test
  void aKeptAliveConnectionServesRequestsBackToBackAndClosesWhenIdle() throws Exception {
    try (RawHttp.Connection connection = RawHttp.connect(port())) {
      for (int i = 0; i < 5; i++) {
        assertThat(connection.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").reply().status()).isEqualTo(200);
        Thread.sleep(TIMEOUT.toMillis() / 3);
      }
      assertThat(connection.closedByServerWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aWebSocketOutlivesTheTimeout() throws Exception {
    try (WsClient client = WsClient.connect(port())) {
      Thread.sleep(3 * TIMEOUT.toMillis());

      client.assertStillUsable();
    }
  }

  @Test
  void aStreamAndALongPollOutliveTheTimeout() throws Exception {
    String channel = ServerFixture.uniqueChannel("held");
    try (EventStreamClient stream = EventStreamClient.open(port(), Api.messagesPath(channel))) {
      stream.expectStream();
      Reply longPoll = server.api().read(channel, "wait=3");

      assertThat(longPoll.status()).isEqualTo(200);
      server.api().publish(channel, "still here").expect(201);
      assertThat(stream.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
      assertThat(stream.ending()).isEqualTo(EventStreamClient.Ending.OPEN);
    }
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server pings every {@code ws.ping-interval} and closes a peer that did not answer the last ping with 4002. */
class WsPingTest {
  private static final Duration PING_INTERVAL = Duration.ofSeconds(1);

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withWsPingInterval(PING_INTERVAL));

  private final Api api = server.api();

  @Test
  void peerThatNeverAnswersPingsIsClosedWith4002WhileOneThatAnswersStays() throws IOException {
    String channel = uniqueChannel("dead-peer");
    try (WsClient answering = WsClient.connect(server.server().port());
        RawWebSocket silent = RawWebSocket.connect(server.server().port())) {
      answering.subscribe(channel);
      silent.sendText(WsClient.frame("op", "subscribe", "channel", channel, "ref", "raw"));
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> api.subscribers(channel, "ws") == 2);
      long started = System.nanoTime();

      List<RawWebSocket.Frame> frames = silent.readUntilClose(PING_INTERVAL.multipliedBy(4));

      long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      RawWebSocket.Frame close = frames.get(frames.size() - 1);
      assertThat(close.closeCode()).as("close frame: %s", close.text()).isEqualTo(4002);
      assertThat(close.text()).as("close reason").isNotBlank();
      assertThat(frames.stream().filter(frame -> frame.opcode() == RawWebSocket.PING)).as("pings before the close").isNotEmpty();
      assertThat(tookMillis).as("closed within about two ping intervals").isLessThan(PING_INTERVAL.multipliedBy(3).toMillis());
      await("the silent peer's subscription is released").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .until(() -> api.subscribers(channel, "ws") == 1);

      assertThat(answering.closure()).as("the client that answers pings is still open").isEmpty();
      answering.assertStillUsable();
      api.publishedId(channel, "after the pings");
      assertThat(WsClient.field(answering.messages(1), "data")).containsExactly("after the pings");
    }
  }
}

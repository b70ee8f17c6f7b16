package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code push.tcp-nodelay: false}: event streams and WebSockets let the kernel coalesce their writes
 * (Nagle's algorithm). Every message still arrives, in order, on both. (A connection reused after
 * its event stream: EventStreamWireBytesTest.)
 */
class PushTcpNoDelayOffTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);
  private static final int MESSAGES = 200;

  private final SwitchboardServer server = ServerFixture.start(settings -> settings.withPushTcpNoDelay(false));
  private final Api api = new Api(server.port());

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void eventStreamsAndWebSocketsDeliverEveryMessageInOrder() {
    String channel = uniqueChannel("nagle");
    List<String> sent = new ArrayList<>();
    try (EventStreamClient stream = EventStreamClient.open(server.port(), Api.messagesPath(channel));
        WsClient socket = WsClient.connect(server.port())) {
      stream.expectStream();
      socket.subscribe(channel);
      for (int i = 0; i < MESSAGES; i++) {
        sent.add("m" + i);
        api.publishedId(channel, "m" + i);
      }

      assertThat(stream.awaitMessages(MESSAGES, PROMPTLY)).extracting(SseEvent::data).containsExactlyElementsOf(sent);
      assertThat(socket.messages(MESSAGES)).extracting(message -> message.path("data").asText()).containsExactlyElementsOf(sent);
    }
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publisher that pipelines a burst keeps the event loop busy, so the burst piles up in the
 * subscribers' outboxes before they can write: subscribers that read at full speed survive a burst
 * that fits their outbound buffer. (A burst larger than the buffer makes every subscriber a slow
 * consumer, by the documented policy.)
 */
class WsBurstTest {
  private static final int OUTBOUND_BUFFER = 4 * 1024 * 1024;

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withOutboundBuffer(OUTBOUND_BUFFER));

  @Test
  void subscribersThatReadAtFullSpeedSurviveAPublisherThatPipelinesABurst() {
    String channel = uniqueChannel("burst");
    String padding = "b".repeat(4 * 1024);
    int burst = 500; // 2 MiB of data: within the 4 MiB buffer
    try (WsClient publisher = WsClient.connect(server.server().port());
        WsClient first = WsClient.connect(server.server().port());
        WsClient second = WsClient.connect(server.server().port())) {
      first.subscribe(channel);
      second.subscribe(channel);

      for (int i = 0; i < burst; i++) {
        publisher.send(frame("op", "publish", "channel", channel, "data", i + ":" + padding, "ref", "p" + i));
      }
      IntStream.range(0, burst).forEach(i -> publisher.ack("p" + i));

      for (WsClient subscriber : List.of(first, second)) {
        assertThat(subscriber.messages(burst, Duration.ofSeconds(20))).hasSize(burst);
        assertThat(subscriber.closure()).as("a subscriber that reads everything at once is not slow").isEmpty();
      }
    }
  }

}

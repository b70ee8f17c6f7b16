package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.field;
import static io.switchboard.server.testing.WsClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscriber that stops reading fills its bounded outbound buffer and is closed with 4001 and a
 * reason, while subscribers that read keep receiving on time; it resumes from history with
 * {@code after} and loses nothing.
 */
class WsSlowConsumerTest {
  private static final int OUTBOUND_BUFFER = 64 * 1024;
  private static final int MAX_MESSAGE_SIZE = 8 * 1024;
  private static final int MESSAGES = 2_000;
  /** Frames the slow client reads before it stops: the subscribe ack and a few messages. */
  private static final int READ_BEFORE_STALLING = 6;
  /**
   * Publishes in flight at once: their data stays below the outbound buffer, so a subscriber that
   * reads at the pace of the network is never that far behind.
   */
  private static final int PUBLISH_WINDOW = 8;

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings
      .withOutboundBuffer(OUTBOUND_BUFFER)
      .withMaxMessageSize(MAX_MESSAGE_SIZE)
      .withRetention(RetentionRules.uniform(new RetentionPolicy(10 * MESSAGES, Duration.ofHours(1)))));

  private final Api api = server.api();

  @Test
  void subscriberThatStopsReadingIsClosedWith4001WhileOthersKeepUpAndItResumesWithoutLoss() {
    String channel = uniqueChannel("slow");
    String padding = "x".repeat(4 * 1024);
    List<String> published = IntStream.range(0, MESSAGES).mapToObj(i -> i + ":" + padding).toList();
    try (WsClient fast = WsClient.connect(server.server().port());
        WsClient slow = WsClient.connectReadingOnly(server.server().port(), READ_BEFORE_STALLING);
        WsClient publisher = WsClient.connect(server.server().port())) {
      fast.subscribe(channel);
      slow.subscribe(channel);
      assertThat(api.subscribers(channel, "ws")).isEqualTo(2);

      long started = System.nanoTime();
      publishWithAWindow(publisher, channel, published, PUBLISH_WINDOW);
      List<JsonNode> fastReceived = fast.messages(MESSAGES, Duration.ofSeconds(20));
      long fastMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

      assertThat(field(fastReceived, "data")).as("the fast subscriber got everything, in order").containsExactlyElementsOf(published);
      assertThat(fastMillis).as("the fast subscriber was not held back").isLessThan(20_000);
      await("the server closes the slow subscriber and releases its subscription")
          .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> api.subscribers(channel, "ws") == 1);

      slow.resumeReading();
      WsClient.Closure closure = slow.awaitClosure(Duration.ofSeconds(10));
      assertThat(closure.code()).as("close: %s", closure).isEqualTo(4001);
      assertThat(closure.reason()).as("close reason").containsIgnoringCase("slow");
      List<JsonNode> beforeClose = new ArrayList<>();
      slow.drainUnread().stream().filter(WsClient::isMessage).forEach(beforeClose::add);
      assertThat(beforeClose.size()).as("the slow subscriber read what it asked for, and fell behind")
          .isBetween(READ_BEFORE_STALLING - 1, MESSAGES - 1);
      assertThat(field(beforeClose, "data")).as("what it got before the close is a prefix, in order")
          .containsExactlyElementsOf(published.subList(0, beforeClose.size()));

      try (WsClient resumed = WsClient.connect(server.server().port())) {
        resumed.subscribe(channel, "after", beforeClose.get(beforeClose.size() - 1).path("id").asText());
        List<JsonNode> rest = resumed.messages(MESSAGES - beforeClose.size(), Duration.ofSeconds(20));

        List<String> all = new ArrayList<>(field(beforeClose, "data"));
        all.addAll(field(rest, "data"));
        assertThat(all).as("before the close and after the resume, each message once").containsExactlyElementsOf(published);
        assertThat(resumed.drainUnread().stream().filter(WsClient::isMessage)).as("nothing more").isEmpty();
      }
    }
  }

  @Test
  void subscriberCatchingUpOnHistoryLargerThanItsBufferStaysConnected() {
    String channel = uniqueChannel("long-history");
    String padding = "h".repeat(4 * 1024);
    int historyMessages = 4 * OUTBOUND_BUFFER / padding.length();
    try (WsClient publisher = WsClient.connect(server.server().port())) {
      publishWithAWindow(publisher, channel, IntStream.range(0, historyMessages).mapToObj(i -> i + ":" + padding).toList(), PUBLISH_WINDOW);
    }
    try (WsClient reader = WsClient.connect(server.server().port())) {

      reader.subscribe(channel, "from", "earliest");

      assertThat(reader.messages(historyMessages)).hasSize(historyMessages);
      // Fails with "Output closed" while the whole history is put in the outbox at once and counted as a backlog.
      reader.assertStillUsable();
      api.publishedId(channel, "live after the history");
      assertThat(field(reader.messages(1), "data")).containsExactly("live after the history");
      assertThat(reader.closure()).isEmpty();
    }
  }

  /** Publishes {@code data} in order, with at most {@code window} publishes waiting for their ack. */
  private static void publishWithAWindow(WsClient publisher, String channel, List<String> data, int window) {
    for (int i = 0; i < data.size(); i++) {
      publisher.send(frame("op", "publish", "channel", channel, "data", data.get(i), "ref", "p" + i));
      if (i >= window - 1) {
        publisher.ack("p" + (i - window + 1));
      }
    }
    for (int i = Math.max(0, data.size() - window + 1); i < data.size(); i++) {
      publisher.ack("p" + i);
    }
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A WebSocket subscription from a position retention no longer holds is told so with a truncated frame. */
class WsTruncationTest {
  private static final int RETAINED = 5;

  @RegisterExtension static final ServerFixture server =
      ServerFixture.with(settings -> settings.withRetention(RetentionRules.uniform(new RetentionPolicy(RETAINED, Duration.ofHours(1)))));

  private final Api api = server.api();
  private WsClient client;

  @BeforeEach
  void connect() {
    client = WsClient.connect(server.server().port());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void channelAfterAnIdOlderThanRetentionGetsTruncatedThenTheRetainedMessages() {
    String channel = uniqueChannel("trimmed");
    List<String> ids = publishTen(channel);

    client.subscribe(channel, "after", ids.get(0));

    JsonNode truncated = client.next();
    assertThat(truncated.path("op").asText()).as("first frame: %s", truncated).isEqualTo("truncated");
    assertThat(truncated.path("channel").asText()).isEqualTo(channel);
    assertThat(truncated.path("earliest").asText()).as("earliest of %s", truncated).matches("[0-9a-v]{32}");
    List<JsonNode> retained = client.messages(RETAINED);
    assertThat(field(retained, "id")).containsExactlyElementsOf(ids.subList(5, 10));
    assertThat(field(retained, "data")).containsExactly("m5", "m6", "m7", "m8", "m9");
    api.publishedId(channel, "live");
    assertThat(field(client.messages(1), "data")).containsExactly("live");
    assertThat(client.drainUnread()).as("nothing but the truncation and the messages").isEmpty();
  }

  @Test
  void resumingAfterTheAnnouncedEarliestIsNotTruncatedAgain() {
    String channel = uniqueChannel("earliest-pos");
    List<String> ids = publishTen(channel);
    client.subscribe(channel, "after", ids.get(0));
    String earliest = client.take("truncated", frame -> "truncated".equals(frame.path("op").asText())).path("earliest").asText();
    client.messages(RETAINED);

    try (WsClient again = WsClient.connect(server.server().port())) {
      again.subscribe(channel, "after", earliest);

      JsonNode first = again.next();
      assertThat(first.path("op").asText()).as("first frame: %s", first).isEqualTo("message");
      assertThat(first.path("id").asText()).isEqualTo(ids.get(5));
    }
  }

  @Test
  void idJustBeforeTheEarliestRetainedIsNotTruncated() {
    String channel = uniqueChannel("edge");
    List<String> ids = publishTen(channel);

    client.subscribe(channel, "after", ids.get(4));

    List<JsonNode> frames = List.of(client.next(), client.next(), client.next(), client.next(), client.next());
    assertThat(field(frames, "op")).containsOnly("message");
    assertThat(field(frames, "id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void fromEarliestGetsTheRetainedMessagesWithoutTruncation() {
    String channel = uniqueChannel("from-earliest");
    List<String> ids = publishTen(channel);

    client.subscribe(channel, "from", "earliest");

    List<JsonNode> frames = List.of(client.next(), client.next(), client.next(), client.next(), client.next());
    assertThat(field(frames, "op")).containsOnly("message");
    assertThat(field(frames, "id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void patternResumedAfterAnIdOlderThanRetentionIsToldWhichChannelWasTruncated() {
    String base = uniqueChannel("p-trimmed");
    List<String> trimmed = publishTen(base + ".a");
    String kept = api.publishedId(base + ".b", "b0");

    client.subscribe(base + ".*", "after", Map.of(base + ".a", trimmed.get(2), base + ".b", kept));

    JsonNode truncated = client.take("truncated", frame -> "truncated".equals(frame.path("op").asText()));
    assertThat(truncated.path("channel").asText()).isEqualTo(base + ".a");
    assertThat(field(client.messages(RETAINED), "id")).containsExactlyElementsOf(trimmed.subList(5, 10));
    api.publishedId(base + ".b", "b1");
    assertThat(field(client.messages(1), "data")).containsExactly("b1");
    assertThat(client.drainUnread()).as("only one truncation").isEmpty();
  }

  private List<String> publishTen(String channel) {
    return IntStream.range(0, 10).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();
  }
}

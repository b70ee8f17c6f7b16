package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream or poll that resumes from a position older than retention still holds is told so, with
 * an explicit {@code switchboard.truncated} event (or {@code truncations} in a poll's answer) before
 * it continues from the oldest retained message: never a silent jump.
 */
class TruncationAnnouncementTest {
  private static final int RETAINED = 5;
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ServerFixture server =
      ServerFixture.with(settings -> settings.withRetention(RetentionRules.uniform(new RetentionPolicy(RETAINED, Duration.ofHours(1)))));

  private final Api api = server.api();

  private List<String> publishTen(String channel) {
    return IntStream.range(0, 10).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      throw new AssertionError("not JSON: " + text, notJson);
    }
  }

  /** Asserts the cursor a truncation names is where the retained messages start, and not itself stale. */
  private void assertEarliestIsWhereRetainedMessagesStart(String channel, String earliest, List<String> retainedIds) {
    JsonNode page = api.get(Api.messagesPath(channel) + "?after=" + earliest).expectJson(200);
    assertThat(page.path("truncated").asBoolean(true)).as("earliest %s is still held: %s", earliest, page).isFalse();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(retainedIds);
  }

  @Test
  void staleAfterOnAChannelStreamIsAnnouncedBeforeTheRetainedMessagesThenLiveOnes() {
    String channel = uniqueChannel("stale-after");
    List<String> ids = publishTen(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + ids.get(0)).expectStream()) {
      String earliest = json(stream.awaitEvents(1 + RETAINED, PROMPTLY).get(0).data()).path("earliest").asText();
      assertEarliestIsWhereRetainedMessagesStart(channel, earliest, ids.subList(5, 10));
      String live = api.publishedId(channel, "live");
      List<SseEvent> events = stream.awaitEvents(2 + RETAINED, PROMPTLY);

      SseEvent truncated = events.get(0);
      assertThat(truncated.type()).isEqualTo("switchboard.truncated");
      assertThat(truncated.id()).as("a server event carries no id, so a reconnect keeps the client's position").isNull();
      JsonNode announced = json(truncated.data());
      assertThat(announced.path("channel").asText()).isEqualTo(channel);
      assertThat(announced.path("earliest").asText()).matches("[0-9a-v]{32}");
      assertThat(events.subList(1, events.size())).extracting(SseEvent::id)
          .containsExactly(ids.get(5), ids.get(6), ids.get(7), ids.get(8), ids.get(9), live);
      assertThat(events.subList(1, 1 + RETAINED)).extracting(SseEvent::data).containsExactly("m5", "m6", "m7", "m8", "m9");
      assertThat(announced.path("earliest").asText()).isEqualTo(earliest);
    }
  }

  @Test
  void staleLastEventIdOnAChannelStreamIsAnnouncedToo() {
    String channel = uniqueChannel("stale-header");
    List<String> ids = publishTen(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", ids.get(2)).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(1 + RETAINED, PROMPTLY);

      assertThat(events).extracting(SseEvent::type).first().isEqualTo("switchboard.truncated");
      assertThat(events.subList(1, events.size())).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(5, 10));
    }
  }

  @Test
  void positionJustBeforeTheOldestRetainedIsNotATruncation() {
    String channel = uniqueChannel("edge");
    List<String> ids = publishTen(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + ids.get(4)).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(RETAINED, PROMPTLY);

      assertThat(events).extracting(SseEvent::type).containsOnly("message");
      assertThat(events).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(5, 10));
    }
  }

  @Test
  void fromEarliestIsNotATruncation() {
    String channel = uniqueChannel("earliest");
    List<String> ids = publishTen(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=earliest").expectStream()) {
      String live = api.publishedId(channel, "live");
      List<SseEvent> events = stream.awaitEvents(RETAINED + 1, PROMPTLY);

      assertThat(events).extracting(SseEvent::type).containsOnly("message");
      assertThat(events.subList(0, RETAINED)).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(5, 10));
      assertThat(events.get(RETAINED).id()).isEqualTo(live);
    }
  }

  /** A {@code /v1/subscribe} stream cursor that has seen only the first message of {@code channel}. */
  private String streamCursorAfterFirstMessage(String pattern, String channel) {
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(pattern), "")).expectStream()) {
      api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
      api.publishedId(channel, "m0");
      return stream.awaitEvents(1, PROMPTLY).get(0).lastEventId();
    }
  }

  @Test
  void staleStreamCursorOnASubscribeStreamIsAnnouncedPerChannel() {
    String prefix = uniqueChannel("sub");
    String channel = prefix + ".orders";
    String cursor = streamCursorAfterFirstMessage(prefix + ".*", channel);
    api.awaitSubscribers(channel, "sse", 0, PROMPTLY);
    List<String> ids = IntStream.range(1, 10).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(prefix + ".*"), ""),
        "Last-Event-ID", cursor).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(1 + RETAINED, PROMPTLY);

      assertThat(events.get(0).type()).isEqualTo("switchboard.truncated");
      JsonNode announced = json(events.get(0).data());
      assertThat(announced.path("channel").asText()).isEqualTo(channel);
      assertThat(events.subList(1, events.size())).extracting(event -> json(event.data()).path("id").asText())
          .containsExactlyElementsOf(ids.subList(4, 9));
      assertEarliestIsWhereRetainedMessagesStart(channel, announced.path("earliest").asText(), ids.subList(4, 9));
    }
  }

  @Test
  void staleStreamCursorOnASubscribePollIsAnsweredWithTruncations() {
    String prefix = uniqueChannel("poll");
    String channel = prefix + ".orders";
    String quiet = prefix + ".quiet";
    api.publishedId(quiet, "q0");
    String first = api.get(Api.subscribePath(List.of(prefix + ".*"), "")).expectJson(200).path("next").asText();
    api.publishedId(channel, "m0");
    JsonNode seenFirst = api.get(Api.subscribePath(List.of(prefix + ".*"), "after=" + first)).expectJson(200);
    assertThat(seenFirst.path("messages").findValuesAsText("data")).containsExactly("m0");
    List<String> ids = IntStream.range(1, 10).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();

    JsonNode page = api.get(Api.subscribePath(List.of(prefix + ".*"), "after=" + seenFirst.path("next").asText())).expectJson(200);

    assertThat(page.path("truncated").asBoolean()).as("page %s", page).isTrue();
    assertThat(page.path("truncations")).hasSize(1);
    assertThat(page.path("truncations").get(0).path("channel").asText()).isEqualTo(channel);
    String earliest = page.path("truncations").get(0).path("earliest").asText();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(4, 9));
    assertEarliestIsWhereRetainedMessagesStart(channel, earliest, ids.subList(4, 9));

    JsonNode next = api.get(Api.subscribePath(List.of(prefix + ".*"), "after=" + page.path("next").asText())).expectJson(200);
    assertThat(next.path("truncated").asBoolean(true)).as("the next poll is no longer behind: %s", next).isFalse();
    assertThat(next.has("truncations")).isFalse();
    assertThat(next.path("messages")).isEmpty();
  }
}

package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import io.switchboard.server.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory engine forgets everything in a restart. A client that comes back with a cursor from
 * before is told so explicitly on every transport, however the cursor's offset compares with the
 * new history: a cursor behind the new end must not skip the new messages after its offset, and a
 * cursor beyond the new end is not a bad request; both are a truncation, followed by everything the
 * new incarnation holds.
 *
 * <p>Before each test a first server takes five messages on {@link #CHANNEL}; the test then runs
 * against a second server, started after the first one stopped.
 */
class MemoryEngineRestartTest {
  private static final String CHANNEL = "volatile.orders";
  private static final String PATTERN = "volatile.*";
  /** Messages after the restart: more than {@link #behind}'s offset, fewer than {@link #beyond}'s. */
  private static final int NEW_MESSAGES = 3;
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SwitchboardServer server;
  private Api api;
  /** The second of the five messages before the restart: behind the end of the new history. */
  private String behind;
  /** The last of the five messages before the restart: beyond the end of the new history. */
  private String beyond;
  /** A {@code /v1/subscribe} cursor that has seen all five. */
  private String subscribeCursor;

  @BeforeEach
  void publishThenRestart() {
    SwitchboardServer before = startMemoryServer();
    try {
      Api first = new Api(before.port());
      List<String> ids = IntStream.range(0, 5).mapToObj(i -> first.publishedId(CHANNEL, "old-" + i)).toList();
      behind = ids.get(1);
      beyond = ids.get(4);
      subscribeCursor = first.get(Api.subscribePath(List.of(PATTERN), "from=earliest")).expectJson(200).path("next").asText();
    } finally {
      before.stop();
    }
    server = startMemoryServer();
    api = new Api(server.port());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void longPollWithACursorFromBeforeTheRestartIsAnsweredAtOnceWithTruncation() throws Exception {
    for (String cursor : List.of(behind, beyond)) {
      JsonNode nothingYet = longPoll(cursor);
      assertThat(nothingYet.path("truncated").asBoolean()).as("the channel is empty now: %s", nothingYet).isTrue();
      assertThat(nothingYet.path("messages")).isEmpty();
      assertThat(nothingYet.path("earliest").asText()).isNotEmpty();
    }

    List<String> fresh = publishFresh();
    for (String cursor : List.of(behind, beyond)) {
      JsonNode answer = longPoll(cursor);
      assertThat(answer.path("truncated").asBoolean()).as("cursor %s of the old incarnation: %s", cursor, answer).isTrue();
      assertThat(answer.path("messages").findValuesAsText("id")).as("everything the new incarnation holds").containsExactlyElementsOf(fresh);

      JsonNode fromEarliest = api.read(CHANNEL, "after=" + answer.path("earliest").asText()).expectJson(200);
      assertThat(fromEarliest.path("truncated").asBoolean(true)).as("the announced earliest is a good cursor: %s", fromEarliest).isFalse();
      assertThat(fromEarliest.path("messages").findValuesAsText("id")).containsExactlyElementsOf(fresh);
    }
  }

  @Test
  void eventStreamResumedWithALastEventIdFromBeforeTheRestartStartsWithATruncation() {
    List<String> fresh = publishFresh();
    for (String cursor : List.of(behind, beyond)) {
      try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(CHANNEL), "Last-Event-ID", cursor).expectStream()) {
        List<SseEvent> events = stream.awaitEvents(1 + NEW_MESSAGES, PROMPTLY);

        SseEvent truncation = events.get(0);
        assertThat(truncation.type()).as("first event after Last-Event-ID %s: %s", cursor, events).isEqualTo("switchboard.truncated");
        assertThat(json(truncation.data()).path("channel").asText()).isEqualTo(CHANNEL);
        assertThat(json(truncation.data()).path("earliest").asText()).isNotEmpty();
        assertThat(events.subList(1, events.size())).as("then everything the new incarnation holds")
            .extracting(SseEvent::id).containsExactlyElementsOf(fresh);
      }
    }
  }

  @Test
  void eventStreamOnAChannelEmptySinceTheRestartStartsWithATruncation() {
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(CHANNEL), "Last-Event-ID", beyond).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(1, PROMPTLY);
      assertThat(events.get(0).type()).as("first event: %s", events).isEqualTo("switchboard.truncated");

      String live = api.publishedId(CHANNEL, "live");
      events = stream.awaitEvents(2, PROMPTLY);
      assertThat(events).extracting(SseEvent::id).containsExactly(null, live);
    }
  }

  @Test
  void webSocketSubscriptionAfterAnIdFromBeforeTheRestartGetsATruncatedFrameFirst() {
    List<String> held = new ArrayList<>(publishFresh());
    for (String cursor : List.of(behind, beyond)) {
      try (WsClient ws = WsClient.connect(api.port())) {
        ws.subscribeAckedFirst(CHANNEL, "after", cursor);
        List<JsonNode> frames = ws.next(1 + held.size());

        JsonNode truncated = frames.get(0);
        assertThat(truncated.path("op").asText()).as("first frame after %s: %s", cursor, frames).isEqualTo("truncated");
        assertThat(truncated.path("channel").asText()).isEqualTo(CHANNEL);
        assertThat(truncated.path("earliest").asText()).isNotEmpty();
        assertThat(frames.subList(1, frames.size())).as("then everything the new incarnation holds")
            .extracting(frame -> frame.path("id").asText()).containsExactlyElementsOf(held);
        String live = api.publishedId(CHANNEL, "live-" + cursor);
        assertThat(ws.next().path("id").asText()).as("then live messages").isEqualTo(live);
        assertThat(ws.drainUnread()).isEmpty();
        held.add(live);
      }
    }
  }

  @Test
  void webSocketSubscriptionOnAChannelEmptySinceTheRestartGetsATruncatedFrame() {
    try (WsClient ws = WsClient.connect(api.port())) {
      ws.subscribeAckedFirst(CHANNEL, "after", behind);
      JsonNode first = ws.next();
      assertThat(first.path("op").asText()).as("first frame: %s", first).isEqualTo("truncated");

      String live = api.publishedId(CHANNEL, "live");
      JsonNode delivered = ws.next();
      assertThat(delivered.path("id").asText()).as("%s", delivered).isEqualTo(live);
    }
  }

  @Test
  void subscribePollWithACursorFromBeforeTheRestartNamesTheTruncatedChannel() {
    List<String> fresh = publishFresh();

    JsonNode answer = api.get(Api.subscribePath(List.of(PATTERN), "after=" + Api.encode(subscribeCursor))).expectJson(200);

    assertThat(answer.path("truncated").asBoolean()).as("%s", answer).isTrue();
    assertThat(answer.path("truncations").findValuesAsText("channel")).containsExactly(CHANNEL);
    assertThat(answer.path("messages").findValuesAsText("id")).containsExactlyElementsOf(fresh);
  }

  private static SwitchboardServer startMemoryServer() {
    // The fixture's defaults run the memory engine.
    return ServerFixture.start(UnaryOperator.identity());
  }

  /** A long poll that would wait 10 s; a truncation is news, so it must be answered within a second. */
  private JsonNode longPoll(String cursor) throws Exception {
    long started = System.nanoTime();
    JsonNode answer = api.readAsync(CHANNEL, "after=" + cursor + "&wait=10").get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("a truncation is answered at once").isLessThan(1_000);
    return answer;
  }

  private List<String> publishFresh() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < NEW_MESSAGES; i++) {
      ids.add(api.publishedId(CHANNEL, "new-" + i));
    }
    return ids;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      throw new UncheckedIOException("not JSON: " + text, notJson);
    }
  }
}

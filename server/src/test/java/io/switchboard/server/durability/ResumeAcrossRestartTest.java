package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import io.switchboard.server.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the embedded engine a client's position outlives the server: a client consumes part of a
 * channel, the server restarts on the same data directory (on another port), more is published, and
 * the client resumes from the position it kept, by every transport, getting exactly what it had not
 * seen yet: nothing missing, nothing repeated, in order, and no truncation.
 */
class ResumeAcrossRestartTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private SwitchboardServer server;
  private Api api;

  /** A message as its publisher saw it acknowledged. */
  private record Sent(String channel, String id, String data) {}

  @BeforeEach
  void start() {
    startServer();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void longPollResumesAfterARestartWithExactlyTheMessagesAfterItsCursor() throws Exception {
    String channel = "resume.long-poll";
    List<Sent> before = publish(channel, "m", 0, 5);
    JsonNode consumed = api.read(channel, "from=earliest&limit=3").expectJson(200);
    assertThat(consumed.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids(before.subList(0, 3)));
    String cursor = consumed.path("next").asText();

    restart();
    List<Sent> after = publish(channel, "m", 5, 3);

    JsonNode resumed = api.readAsync(channel, "after=" + cursor + "&wait=10").get(5, TimeUnit.SECONDS).expectJson(200);
    List<Sent> expected = concat(before.subList(3, 5), after);
    assertThat(resumed.path("truncated").asBoolean(true)).as("nothing was lost: %s", resumed).isFalse();
    assertThat(resumed.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids(expected));
    assertThat(resumed.path("messages").findValuesAsText("data")).containsExactly("m3", "m4", "m5", "m6", "m7");

    String next = resumed.path("next").asText();
    CompletableFuture<Reply> held = api.readAsync(channel, "after=" + next + "&wait=10");
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("nothing is repeated: the long poll after the last message waits").isNotDone();
    String live = api.publishedId(channel, "live");
    JsonNode delivered = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(delivered.path("messages").findValuesAsText("id")).containsExactly(live);
  }

  @Test
  void longPollAtTheEndOfTheChannelBeforeARestartWaitsForTheFirstMessageAfterIt() throws Exception {
    String channel = "resume.at-end";
    List<Sent> before = publish(channel, "m", 0, 3);
    String cursor = api.read(channel, "from=earliest").expectJson(200).path("next").asText();
    assertThat(cursor).isEqualTo(before.get(2).id());

    restart();

    CompletableFuture<Reply> held = api.readAsync(channel, "after=" + cursor + "&wait=10");
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("a cursor at the end is still the end after a restart: the long poll is held").isNotDone();
    String first = api.publishedId(channel, "first after restart");
    JsonNode delivered = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(delivered.path("truncated").asBoolean(true)).as("%s", delivered).isFalse();
    assertThat(delivered.path("messages").findValuesAsText("id")).containsExactly(first);
    assertThat(first).as("ids continue after the restart").isGreaterThan(cursor);
  }

  @Test
  void eventStreamResumesAfterARestartFromLastEventId() {
    String channel = "resume.sse";
    List<Sent> seen;
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=earliest").expectStream()) {
      seen = publish(channel, "m", 0, 3);
      assertThat(stream.awaitEvents(3, PROMPTLY)).extracting(SseEvent::id).containsExactlyElementsOf(ids(seen));
    }
    String lastEventId = seen.get(2).id();
    List<Sent> missedBefore = publish(channel, "m", 3, 2);

    restart();
    List<Sent> missedAfter = publish(channel, "m", 5, 2);

    try (EventStreamClient resumed = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", lastEventId).expectStream()) {
      List<Sent> expected = concat(missedBefore, missedAfter);
      resumed.awaitEvents(expected.size(), PROMPTLY);
      expected = concat(expected, publish(channel, "m", 7, 1));
      List<SseEvent> events = resumed.awaitEvents(expected.size(), PROMPTLY);

      assertThat(events).as("no truncation, nothing repeated, nothing missing").extracting(SseEvent::id)
          .containsExactlyElementsOf(ids(expected));
      assertThat(events).extracting(SseEvent::data).containsExactly("m3", "m4", "m5", "m6", "m7");

      server.stop();
      resumed.awaitEnd(PROMPTLY);
      assertThat(resumed.events()).as("the stream ends announcing the shutdown, with nothing more")
          .extracting(SseEvent::type).containsExactly("message", "message", "message", "message", "message", "switchboard.shutdown");
    }
  }

  @Test
  void webSocketSubscriptionResumesAfterARestartAfterTheLastIdItGot() {
    String channel = "resume.ws";
    List<Sent> seen = publish(channel, "m", 0, 3);
    String lastId;
    try (WsClient first = WsClient.connect(api.port())) {
      first.subscribeAckedFirst(channel, "from", "earliest");
      List<JsonNode> frames = first.next(3);
      assertThat(frames).extracting(frame -> frame.path("op").asText()).containsOnly("message");
      assertThat(frames).extracting(frame -> frame.path("id").asText()).containsExactlyElementsOf(ids(seen));
      lastId = frames.get(2).path("id").asText();
      first.send(WsClient.frame("op", "unsubscribe", "channel", channel, "ref", "unsub"));
      JsonNode unsubscribed = first.next();
      assertThat(unsubscribed.path("op").asText()).as("answer to unsubscribing: %s", unsubscribed).isEqualTo("ack");

      List<Sent> missedBefore = publish(channel, "m", 3, 2);
      server.stop();
      assertThat(first.awaitClosure(PROMPTLY).code()).as("shutdown closes the WebSocket as going away").isEqualTo(1001);
      assertThat(first.drainUnread()).as("nothing after unsubscribing").isEmpty();

      startServer();
      List<Sent> missedAfter = publish(channel, "m", 5, 2);
      try (WsClient resumed = WsClient.connect(api.port())) {
        resumed.subscribeAckedFirst(channel, "after", lastId);
        List<Sent> expected = concat(missedBefore, missedAfter);
        List<JsonNode> replayed = resumed.next(expected.size());
        String live = api.publishedId(channel, "m7");
        JsonNode liveFrame = resumed.next();

        assertThat(replayed).as("no truncation frame, only messages").extracting(frame -> frame.path("op").asText()).containsOnly("message");
        assertThat(replayed).extracting(frame -> frame.path("id").asText()).containsExactlyElementsOf(ids(expected));
        assertThat(replayed).extracting(frame -> frame.path("data").asText()).containsExactly("m3", "m4", "m5", "m6");
        assertThat(liveFrame.path("id").asText()).as("live after the replay: %s", liveFrame).isEqualTo(live);
        assertThat(resumed.drainUnread()).as("nothing repeated").isEmpty();
      }
    }
  }

  @Test
  void subscribePollResumesEveryChannelOfItsCursorAfterARestart() throws Exception {
    List<String> subscription = List.of("poll-sub.*");
    List<Sent> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(publishOne("poll-sub.a", "a" + i));
      before.add(publishOne("poll-sub.b", "b" + i));
    }
    JsonNode consumed = api.get(Api.subscribePath(subscription, "from=earliest&limit=4")).expectJson(200);
    assertThat(consumed.path("messages")).hasSize(4);
    String cursor = consumed.path("next").asText();
    // A channel that starts to match while the client is away, before the restart and after it.
    before.add(publishOne("poll-sub.d", "d0"));

    restart();
    List<Sent> after = List.of(publishOne("poll-sub.a", "a3"), publishOne("poll-sub.c", "c0"), publishOne("poll-sub.b", "b3"),
        publishOne("poll-sub.d", "d1"));

    JsonNode resumed = api.getAsync(Api.subscribePath(subscription, "after=" + Api.encode(cursor) + "&wait=10"))
        .get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(resumed.path("truncated").asBoolean(true)).as("%s", resumed).isFalse();
    List<JsonNode> delivered = new ArrayList<>();
    consumed.path("messages").forEach(delivered::add);
    resumed.path("messages").forEach(delivered::add);
    assertThat(byChannelDelivered(delivered))
        .as("what was consumed before the restart and what the resumed poll answered: every message once, in order")
        .isEqualTo(byChannel(concat(before, after)));

    String next = resumed.path("next").asText();
    assertThat(api.get(Api.subscribePath(subscription, "after=" + Api.encode(next))).expectJson(200).path("messages"))
        .as("nothing repeated").isEmpty();
  }

  @Test
  void subscribeStreamResumesFromLastEventIdAfterARestart() {
    List<String> subscription = List.of("stream-sub.*");
    List<Sent> seen;
    String lastEventId;
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "from=earliest")).expectStream()) {
      seen = List.of(publishOne("stream-sub.a", "a0"), publishOne("stream-sub.b", "b0"));
      List<SseEvent> events = stream.awaitEvents(2, PROMPTLY);
      assertThat(events).extracting(event -> json(event.data()).path("id").asText()).containsExactlyElementsOf(ids(seen));
      lastEventId = events.get(1).id();
    }
    // Missed while away: a channel the cursor has seen and one that starts to match meanwhile.
    List<Sent> missed = new ArrayList<>(List.of(publishOne("stream-sub.a", "a1"), publishOne("stream-sub.d", "d0")));

    restart();
    missed.add(publishOne("stream-sub.b", "b1"));
    missed.add(publishOne("stream-sub.c", "c0"));

    try (EventStreamClient resumed = EventStreamClient.open(api.port(), Api.subscribePath(subscription, ""), "Last-Event-ID", lastEventId).expectStream()) {
      resumed.awaitEvents(missed.size(), PROMPTLY);
      missed.add(publishOne("stream-sub.a", "a2"));
      List<SseEvent> events = resumed.awaitEvents(missed.size(), PROMPTLY);

      assertThat(events).as("only messages: no truncation").noneMatch(SseEvent::isServerEvent);
      List<JsonNode> delivered = events.stream().map(event -> json(event.data())).toList();
      assertThat(byChannelDelivered(delivered)).isEqualTo(byChannel(missed));
      assertThat(events).as("each event's id is a cursor to resume from").allMatch(event -> event.id() != null && !event.id().isEmpty());
      server.stop();
      resumed.awaitEnd(PROMPTLY);
      assertThat(resumed.messages()).as("nothing repeated").hasSize(missed.size());
    }
  }

  private void startServer() {
    server = ServerFixture.start(settings -> settings.withEngine("embedded", dataDir));
    api = new Api(server.port());
  }

  /** Stops the server and starts a new one on the same data directory (on another port). */
  private void restart() {
    server.stop();
    startServer();
  }

  private List<Sent> publish(String channel, String prefix, int from, int count) {
    return IntStream.range(from, from + count).mapToObj(i -> publishOne(channel, prefix + i)).toList();
  }

  private Sent publishOne(String channel, String data) {
    return new Sent(channel, api.publishedId(channel, data), data);
  }

  private static List<String> ids(List<Sent> sent) {
    return sent.stream().map(Sent::id).toList();
  }

  private static List<Sent> concat(List<Sent> first, List<Sent> second) {
    List<Sent> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Each channel's messages as "id data", in the order they were published. */
  private static Map<String, List<String>> byChannel(List<Sent> sent) {
    Map<String, List<String>> byChannel = new TreeMap<>();
    sent.forEach(message -> byChannel.computeIfAbsent(message.channel(), name -> new ArrayList<>()).add(message.id() + " " + message.data()));
    return byChannel;
  }

  /** Each channel's messages as "id data", in the order they were delivered. */
  private static Map<String, List<String>> byChannelDelivered(List<JsonNode> delivered) {
    Map<String, List<String>> byChannel = new TreeMap<>();
    delivered.forEach(message -> byChannel.computeIfAbsent(message.path("channel").asText(), name -> new ArrayList<>())
        .add(message.path("id").asText() + " " + message.path("data").asText()));
    return byChannel;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      throw new UncheckedIOException("not JSON: " + text, notJson);
    }
  }
}

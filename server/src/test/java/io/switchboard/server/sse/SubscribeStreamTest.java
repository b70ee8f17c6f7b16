package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/subscribe} as an event stream: names and patterns in one stream, each event the
 * message as JSON, each id one opaque cursor that resumes every channel of the subscription,
 * including channels that first appear while the client is away.
 */
class SubscribeStreamTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  /** What a test published: message ids by channel, in publish order. */
  private final Map<String, List<String>> published = new LinkedHashMap<>();

  private String publish(String channel, String data) {
    String id = api.publishedId(channel, data);
    published.computeIfAbsent(channel, name -> new ArrayList<>()).add(id);
    return id;
  }

  private static JsonNode json(SseEvent event) {
    try {
      return JSON.readTree(event.data());
    } catch (IOException notJson) {
      throw new AssertionError("event data is not JSON: " + event, notJson);
    }
  }

  /** Message ids by channel, in the order the events arrived. */
  private static Map<String, List<String>> byChannel(List<SseEvent> events) {
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (SseEvent event : events) {
      JsonNode message = json(event);
      ids.computeIfAbsent(message.path("channel").asText(), name -> new ArrayList<>()).add(message.path("id").asText());
    }
    return ids;
  }

  private static int total(Map<String, List<String>> ids) {
    return ids.values().stream().mapToInt(List::size).sum();
  }

  @Test
  void patternsAndNamesReceiveOnlyMatchingChannelsInChannelOrderAndResumeAllOfThemWithOneCursor() {
    String p = uniqueChannel("sub");
    List<String> subscription = List.of(p + ".orders.*", p + ".chat.>", p + ".alerts");
    List<String> matching = List.of(p + ".orders.1", p + ".orders.2", p + ".chat.room-a", p + ".chat.room-b.thread-1", p + ".alerts");
    List<String> notMatching = List.of(p + ".orders.1.items", p + ".orders", p + ".chat", p + ".alerts.x", p + ".other", p);

    List<SseEvent> firstEvents;
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "")).expectStream()) {
      api.awaitSubscribers(p + ".alerts", "sse", 1, PROMPTLY);
      for (int round = 0; round < 3; round++) {
        for (String channel : matching) {
          publish(channel, channel + "#" + round);
        }
        for (String channel : notMatching) {
          api.publishedId(channel, "not for this subscription");
        }
      }
      firstEvents = stream.awaitEvents(total(published), PROMPTLY);

      assertThat(byChannel(firstEvents)).isEqualTo(published);
      assertThat(firstEvents).extracting(SseEvent::id).doesNotHaveDuplicates().doesNotContainNull();
    }
    api.awaitSubscribers(p + ".alerts", "sse", 0, PROMPTLY);
    Map<String, List<String>> seenFirst = new LinkedHashMap<>(published);
    published.clear();

    // While disconnected: known channels move on, new matching channels appear, others too.
    List<String> whileAway = List.of(p + ".orders.1", p + ".chat.room-a", p + ".alerts", p + ".orders.3", p + ".chat.new.deep.er");
    for (int round = 0; round < 2; round++) {
      for (String channel : whileAway) {
        publish(channel, channel + "#away" + round);
      }
      api.publishedId(p + ".orders.3.x", "not for this subscription");
      api.publishedId(p + ".news", "not for this subscription");
    }

    String lastEventId = firstEvents.get(firstEvents.size() - 1).lastEventId();
    try (EventStreamClient resumed = EventStreamClient.open(api.port(), Api.subscribePath(subscription, ""),
        "Last-Event-ID", lastEventId).expectStream()) {
      resumed.awaitEvents(total(published), PROMPTLY);
      publish(p + ".orders.2", "live after resume");
      publish(p + ".orders.3", "live after resume");
      List<SseEvent> events = resumed.awaitEvents(total(published), PROMPTLY);

      assertThat(byChannel(events)).as("only what was published after the cursor, once each, in channel order").isEqualTo(published);
      assertThat(events).hasSize(total(published));
    }
    for (String channel : matching) {
      List<String> all = new ArrayList<>(seenFirst.getOrDefault(channel, List.of()));
      all.addAll(published.getOrDefault(channel, List.of()));
      assertThat(all).as("everything %s holds was seen exactly once", channel)
          .containsExactlyElementsOf(api.readAll(channel).stream().map(message -> message.path("id").asText()).toList());
    }
  }

  @Test
  void eachEventIsTheMessageAsJsonWithItsEventTypeOnTheEventLine() {
    String p = uniqueChannel("envelope");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(p + ".*"), "")).expectStream()) {
      api.awaitSubscribers(p + ".a", "sse", 1, PROMPTLY);
      JsonNode typed = api.publishEvent(p + ".a", "order.created", "line 1\nline 2 \"quoted\" ✓").expectJson(201);
      JsonNode plain = api.published(p + ".b", "plain");

      List<SseEvent> events = stream.awaitEvents(2, PROMPTLY);

      assertThat(events.get(0).type()).isEqualTo("order.created");
      JsonNode first = json(events.get(0));
      assertThat(first.path("id").asText()).isEqualTo(typed.path("id").asText());
      assertThat(first.path("channel").asText()).isEqualTo(p + ".a");
      assertThat(first.path("time").asLong()).isEqualTo(typed.path("time").asLong());
      assertThat(first.path("data").asText()).isEqualTo("line 1\nline 2 \"quoted\" ✓");
      assertThat(first.path("event").asText()).isEqualTo("order.created");

      assertThat(events.get(1).type()).isEqualTo("message");
      JsonNode second = json(events.get(1));
      assertThat(second.path("id").asText()).isEqualTo(plain.path("id").asText());
      assertThat(second.has("event")).isFalse();
      assertThat(stream.raw()).startsWith("retry: 2000\n: switchboard event stream\n\n");
      assertThat(events).extracting(SseEvent::id)
          .as("the event id is the subscription's cursor, not the message id").doesNotContain(plain.path("id").asText());
    }
  }

  @Test
  void overlappingPatternsDeliverEachMessageOnce() {
    String p = uniqueChannel("overlap");
    List<String> subscription = List.of(p + ".orders.*", p + ".orders.1", p + ".>", p + ".orders.1");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "")).expectStream()) {
      api.awaitSubscribers(p + ".orders.1", "sse", 1, PROMPTLY);
      List<String> ids = IntStream.range(0, 5).mapToObj(i -> publish(p + ".orders.1", "m" + i)).toList();
      String marker = publish(p + ".zzz", "marker");

      List<SseEvent> events = stream.awaitEvents(6, PROMPTLY);

      Map<String, List<String>> received = byChannel(events);
      assertThat(received.get(p + ".orders.1")).containsExactlyElementsOf(ids);
      assertThat(received.get(p + ".zzz")).containsExactly(marker);
      assertThat(events).hasSize(6);
    }
  }

  @Test
  void streamCursorResumesWhenSentAsAfter() {
    String p = uniqueChannel("after");
    List<String> subscription = List.of(p + ".*");
    String cursor;
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "")).expectStream()) {
      api.awaitSubscribers(p + ".a", "sse", 1, PROMPTLY);
      publish(p + ".a", "a0");
      publish(p + ".b", "b0");
      cursor = stream.awaitEvents(2, PROMPTLY).get(1).lastEventId();
    }
    published.clear();
    publish(p + ".a", "a1");
    publish(p + ".c", "c0");

    try (EventStreamClient resumed = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "after=" + Api.encode(cursor))).expectStream()) {
      assertThat(byChannel(resumed.awaitEvents(2, PROMPTLY))).isEqualTo(published);
    }
  }

  @Test
  void lastEventIdWinsOverAfterOnASubscribeStream() {
    String p = uniqueChannel("wins");
    List<String> subscription = List.of(p + ".*");
    List<String> cursors = new ArrayList<>();
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "")).expectStream()) {
      api.awaitSubscribers(p + ".a", "sse", 1, PROMPTLY);
      for (int i = 0; i < 4; i++) {
        publish(p + ".a", "a" + i);
      }
      stream.awaitEvents(4, PROMPTLY).forEach(event -> cursors.add(event.lastEventId()));
    }

    try (EventStreamClient resumed = EventStreamClient.open(api.port(),
        Api.subscribePath(subscription, "after=" + Api.encode(cursors.get(0))), "Last-Event-ID", cursors.get(2)).expectStream()) {
      List<SseEvent> events = resumed.awaitEvents(1, PROMPTLY);
      publish(p + ".b", "marker");
      events = resumed.awaitEvents(2, PROMPTLY);

      assertThat(events).extracting(event -> json(event).path("data").asText()).containsExactly("a3", "marker");
    }
  }

  @Test
  void streamCursorAlsoResumesAPollOfTheSameSubscription() {
    String p = uniqueChannel("cross");
    List<String> subscription = List.of(p + ".*");
    String cursor;
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(subscription, "")).expectStream()) {
      api.awaitSubscribers(p + ".a", "sse", 1, PROMPTLY);
      publish(p + ".a", "a0");
      cursor = stream.awaitEvents(1, PROMPTLY).get(0).lastEventId();
    }
    String a1 = api.publishedId(p + ".a", "a1");
    String b0 = api.publishedId(p + ".b", "b0");

    JsonNode page = api.get(Api.subscribePath(subscription, "after=" + Api.encode(cursor))).expectJson(200);

    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyInAnyOrder(a1, b0);
  }

  @Test
  void fromEarliestReplaysEveryMatchingChannelThenFollowsLive() {
    String p = uniqueChannel("earliest");
    publish(p + ".a", "a0");
    publish(p + ".b", "b0");
    publish(p + ".a", "a1");
    api.publishedId(p + ".a.deeper", "not matched");

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(p + ".*"), "from=earliest")).expectStream()) {
      stream.awaitEvents(3, PROMPTLY);
      publish(p + ".c", "c0");
      List<SseEvent> events = stream.awaitEvents(4, PROMPTLY);

      assertThat(byChannel(events)).isEqualTo(published);
    }
  }

  @Test
  void withoutAPositionASubscribeStreamStartsAtNow() {
    String p = uniqueChannel("now");
    api.publishedId(p + ".a", "old");

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(p + ".*", p + ".a"), "")).expectStream()) {
      api.awaitSubscribers(p + ".a", "sse", 1, PROMPTLY);
      String live = publish(p + ".a", "live");

      List<SseEvent> events = stream.awaitEvents(1, PROMPTLY);
      publish(p + ".b", "marker");
      events = stream.awaitEvents(2, PROMPTLY);

      assertThat(json(events.get(0)).path("id").asText()).isEqualTo(live);
      assertThat(events).hasSize(2);
    }
  }

  @Test
  void sixtyFourChannelsAreAccepted() {
    String p = uniqueChannel("many");
    List<String> channels = IntStream.range(0, 64).mapToObj(i -> p + ".c" + i).toList();
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.subscribePath(channels, "")).expectStream()) {
      api.awaitSubscribers(p + ".c63", "sse", 1, PROMPTLY);
      String id = api.publishedId(p + ".c63", "last one");

      assertThat(json(stream.awaitEvents(1, PROMPTLY).get(0)).path("id").asText()).isEqualTo(id);
    }
  }

  @Test
  void badSubscriptionsAreRefusedWithAProblemBeforeAnyStream() {
    String p = uniqueChannel("bad");
    List<String> sixtyFive = IntStream.range(0, 65).mapToObj(i -> p + ".c" + i).toList();
    String channelCursor = api.publishedId(p + ".a", "m");
    Map<String, String[]> refused = new LinkedHashMap<>();
    refused.put("/v1/subscribe", new String[0]);
    refused.put("/v1/subscribe?channel=", new String[0]);
    refused.put("/v1/subscribe?channel=a..b", new String[0]);
    refused.put("/v1/subscribe?channel=" + Api.encode(p + ".a") + "&channel=a..b", new String[0]);
    refused.put("/v1/subscribe?channel=" + Api.encode(p + ".>.x"), new String[0]);
    refused.put("/v1/subscribe?channel=" + Api.encode(p + ".a*"), new String[0]);
    refused.put("/v1/subscribe?channel=" + Api.encode("bad name"), new String[0]);
    refused.put(Api.subscribePath(sixtyFive, ""), new String[0]);
    refused.put(Api.subscribePath(List.of(p + ".*"), "after=not-a-cursor"), new String[0]);
    refused.put(Api.subscribePath(List.of(p + ".*"), "after=" + channelCursor), new String[0]);
    refused.put(Api.subscribePath(List.of(p + ".*"), "from=yesterday"), new String[0]);
    refused.put(Api.subscribePath(List.of(p + ".*"), "from=earliest&after=x"), new String[0]);
    refused.put(Api.subscribePath(List.of(p + ".*"), "") + " (Last-Event-ID: garbage)", new String[] {"Last-Event-ID", "garbage"});
    refused.put(Api.subscribePath(List.of(p + ".*"), "") + " (Last-Event-ID: a channel's cursor)", new String[] {"Last-Event-ID", channelCursor});

    refused.forEach((request, headers) -> {
      String path = request.contains(" (") ? request.substring(0, request.indexOf(" (")) : request;
      try (EventStreamClient stream = EventStreamClient.open(api.port(), path, headers)) {
        assertThat(stream.status()).as("status of %s", request).isEqualTo(400);
        stream.reply().expectProblem(400);
      }
    });
    assertThat(api.subscribers(p + ".a", "sse")).isZero();
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.field;
import static io.switchboard.server.testing.WsClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a {@code /v1/ws} subscriber receives: channels and patterns, several on one connection,
 * messages published over HTTP and over WebSocket, history from the earliest or after an id, and
 * resuming after a disconnect without loss or repeats.
 */
class WsDeliveryTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void disconnect() {
    clients.forEach(WsClient::close);
  }

  private WsClient connect() {
    WsClient client = WsClient.connect(server.server().port());
    clients.add(client);
    return client;
  }

  @Test
  void patternSubscriberGetsMatchingChannelsInChannelOrderWhateverTransportPublished() {
    String orders = uniqueChannel("orders");
    WsClient subscriber = connect();
    WsClient publisher = connect();
    subscriber.subscribe(orders + ".*");

    for (int i = 0; i < 20; i++) {
      api.publishedId(orders + ".1", "http-" + i);
      publisher.publish(orders + ".2", "ws-" + i);
      api.publishedId(orders + ".1.x", "deeper-" + i);
      publisher.publish(orders, "parent-" + i);
    }
    api.publishedId(orders + ".3", "end");

    List<JsonNode> received = subscriber.messagesUntil(orders + ".3", "end");
    Map<String, List<String>> byChannel = dataByChannel(received);
    assertThat(byChannel.keySet()).containsExactlyInAnyOrder(orders + ".1", orders + ".2", orders + ".3");
    assertThat(byChannel.get(orders + ".1")).containsExactlyElementsOf(numbered("http-", 20));
    assertThat(byChannel.get(orders + ".2")).containsExactlyElementsOf(numbered("ws-", 20));
    assertThat(field(received, "id")).doesNotHaveDuplicates();
  }

  @Test
  void messagesCarryTheIdsHistoryHas() {
    String channel = uniqueChannel("same-ids");
    WsClient subscriber = connect();
    subscriber.subscribe(channel);

    api.publishedId(channel, "one");
    subscriber.publish(channel, "two");

    List<JsonNode> received = subscriber.messages(2);
    List<JsonNode> stored = api.readAll(channel);
    assertThat(field(received, "id")).containsExactlyElementsOf(field(stored, "id"));
    assertThat(field(received, "time")).containsExactlyElementsOf(field(stored, "time"));
  }

  @Test
  void channelSubscriberGetsOnlyThatChannel() {
    String base = uniqueChannel("exact");
    WsClient subscriber = connect();
    subscriber.subscribe(base + ".1");

    api.publishedId(base + ".10", "other");
    api.publishedId(base + ".1.x", "deeper");
    api.publishedId(base, "parent");
    api.publishedId(base + ".1", "mine");
    api.publishedId(base + ".2", "other");
    api.publishedId(base + ".1", "end");

    assertThat(field(subscriber.messagesUntil(base + ".1", "end"), "data")).containsExactly("mine", "end");
  }

  @Test
  void oneConnectionCarriesManyChannelsAndPatterns() {
    String base = uniqueChannel("many");
    WsClient subscriber = connect();
    subscriber.subscribe(base + ".a");
    subscriber.subscribe(base + ".b.*");
    subscriber.subscribe(base + ".c.>");
    subscriber.subscribe(base + ".*.d");

    api.publishedId(base + ".a", "a");
    api.publishedId(base + ".b.1", "b.1");
    api.publishedId(base + ".b.1.2", "not b.1.2");
    api.publishedId(base + ".c", "not c");
    api.publishedId(base + ".c.1", "c.1");
    api.publishedId(base + ".c.1.2.3", "c.1.2.3");
    api.publishedId(base + ".x.d", "x.d");
    api.publishedId(base + ".x.e", "not x.e");
    api.publishedId(base + ".a", "end");

    assertThat(field(subscriber.messagesUntil(base + ".a", "end"), "data"))
        .containsExactly("a", "b.1", "c.1", "c.1.2.3", "x.d", "end");
  }

  /** docs/api.md: "on one healthy connection none arrives twice"; a message frame does not say which subscription it is for. */
  @Test
  void overlappingSubscriptionsOnOneConnectionEachDeliverAMessageOnce() {
    String base = uniqueChannel("overlap");
    WsClient subscriber = connect();
    subscriber.subscribe(base + ".*");
    subscriber.subscribe(base + ".1");

    api.publishedId(base + ".1", "once");
    api.publishedId(base + ".2", "end");

    // Two subscriptions, two deliveries: each subscription delivers every message once.
    assertThat(field(subscriber.messagesUntil(base + ".2", "end"), "data")).containsExactly("once", "once", "end");
  }

  @Test
  void subscribersOnSeveralConnectionsEachGetEveryMessage() {
    String channel = uniqueChannel("several");
    WsClient first = connect();
    WsClient second = connect();
    first.subscribe(channel);
    second.subscribe(channel);

    api.publishedId(channel, "for both");

    assertThat(field(first.messages(1), "data")).containsExactly("for both");
    assertThat(field(second.messages(1), "data")).containsExactly("for both");
  }

  @Test
  void unsubscribeStopsDeliveryOfThatSubscriptionOnly() {
    String base = uniqueChannel("unsub");
    WsClient subscriber = connect();
    subscriber.subscribe(base + ".gone");
    subscriber.subscribe(base + ".*");
    subscriber.subscribe(base + ".kept");

    subscriber.unsubscribe(base + ".gone");
    subscriber.unsubscribe(base + ".*");
    api.publishedId(base + ".gone", "not delivered");
    api.publishedId(base + ".other", "not delivered");
    api.publishedId(base + ".kept", "end");

    assertThat(field(subscriber.messagesUntil(base + ".kept", "end"), "data")).containsExactly("end");
  }

  @Test
  void resubscribeAfterUnsubscribeDeliversAgain() {
    String channel = uniqueChannel("resub");
    WsClient subscriber = connect();
    subscriber.subscribe(channel);
    subscriber.unsubscribe(channel);

    subscriber.subscribe(channel);
    api.publishedId(channel, "again");

    assertThat(field(subscriber.messages(1), "data")).containsExactly("again");
  }

  @Test
  void subscriptionWithoutAPositionStartsAtNow() {
    String channel = uniqueChannel("now");
    api.publishedId(channel, "old");
    WsClient subscriber = connect();
    subscriber.subscribe(channel);

    api.publishedId(channel, "new");

    assertThat(field(subscriber.messages(1), "data")).containsExactly("new");
  }

  @Test
  void fromEarliestReplaysHistoryThenFollowsLive() {
    String channel = uniqueChannel("earliest");
    List<String> history = List.of(api.publishedId(channel, "h0"), api.publishedId(channel, "h1"), api.publishedId(channel, "h2"));
    WsClient subscriber = connect();

    subscriber.subscribe(channel, "from", "earliest");
    List<JsonNode> replayed = subscriber.messages(3);
    String live = api.publishedId(channel, "live");

    assertThat(field(replayed, "id")).containsExactlyElementsOf(history);
    assertThat(field(replayed, "data")).containsExactly("h0", "h1", "h2");
    assertThat(field(subscriber.messages(1), "id")).containsExactly(live);
  }

  @Test
  void patternFromEarliestReplaysEveryMatchingChannel() {
    String base = uniqueChannel("earliest-p");
    api.publishedId(base + ".a", "a0");
    api.publishedId(base + ".b", "b0");
    api.publishedId(base + ".a", "a1");
    api.publishedId(base + ".b.deeper", "not matched");
    WsClient subscriber = connect();

    subscriber.subscribe(base + ".*", "from", "earliest");
    List<JsonNode> replayed = subscriber.messages(3);
    api.publishedId(base + ".c", "c0");

    Map<String, List<String>> byChannel = dataByChannel(replayed);
    assertThat(byChannel).containsOnly(Map.entry(base + ".a", List.of("a0", "a1")), Map.entry(base + ".b", List.of("b0")));
    assertThat(field(subscriber.messages(1), "data")).containsExactly("c0");
  }

  @Test
  void historyAndLivePublishesRacingMeetWithoutGapOrRepeat() {
    String channel = uniqueChannel("race");
    WsClient publisher = connect();
    for (int i = 0; i < 300; i++) {
      publisher.send(frame("op", "publish", "channel", channel, "data", "m" + i));
    }
    WsClient subscriber = connect();

    subscriber.subscribe(channel, "from", "earliest");
    for (int i = 300; i < 600; i++) {
      publisher.send(frame("op", "publish", "channel", channel, "data", "m" + i));
    }

    assertThat(field(subscriber.messages(600), "data")).containsExactlyElementsOf(numbered("m", 600));
  }

  @Test
  void afterAnIdResumesExactlyAfterItWithWhatWasPublishedWhileDisconnected() {
    String channel = uniqueChannel("resume");
    WsClient first = connect();
    first.subscribe(channel);
    for (int i = 0; i < 5; i++) {
      api.publishedId(channel, "m" + i);
    }
    List<JsonNode> before = first.messages(5);
    first.close();
    WsClient publisher = connect();
    for (int i = 5; i < 10; i++) {
      if (i % 2 == 0) {
        api.publishedId(channel, "m" + i);
      } else {
        publisher.publish(channel, "m" + i);
      }
    }

    WsClient resumed = connect();
    resumed.subscribe(channel, "after", before.get(4).path("id").asText());
    api.publishedId(channel, "m10");

    List<JsonNode> after = resumed.messagesUntil(channel, "m10");
    assertThat(field(after, "data")).containsExactlyElementsOf(numbered("m", 11).subList(5, 11));
    assertThat(field(after, "id")).containsExactlyElementsOf(field(api.readAll(channel), "id").subList(5, 11));
  }

  @Test
  void afterAnOlderIdReplaysEverythingSinceIt() {
    String channel = uniqueChannel("resume-older");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(api.publishedId(channel, "m" + i));
    }
    WsClient subscriber = connect();

    subscriber.subscribe(channel, "after", ids.get(1));

    assertThat(field(subscriber.messages(4), "id")).containsExactlyElementsOf(ids.subList(2, 6));
  }

  @Test
  void afterTheLastIdDeliversOnlyNewMessages() {
    String channel = uniqueChannel("resume-last");
    String last = null;
    for (int i = 0; i < 3; i++) {
      last = api.publishedId(channel, "old" + i);
    }
    WsClient subscriber = connect();

    subscriber.subscribe(channel, "after", last);
    api.publishedId(channel, "new");

    assertThat(field(subscriber.messages(1), "data")).containsExactly("new");
  }

  @Test
  void patternResumesEachChannelAfterItsIdAndNewChannelsSinceATime() {
    String base = uniqueChannel("p-resume");
    api.publishedId(base + ".old", "before the first subscription");
    long oldTime = api.readAll(base + ".old").get(0).path("time").asLong();
    // Messages from here on are stored in a later millisecond than the one on base.old.
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() > oldTime);
    WsClient first = connect();
    first.subscribe(base + ".*");
    api.publishedId(base + ".a", "a0");
    api.publishedId(base + ".b", "b0");
    api.publishedId(base + ".a", "a1");
    List<JsonNode> seen = first.messages(3);
    first.close();
    Map<String, String> lastIds = new LinkedHashMap<>();
    seen.forEach(message -> lastIds.put(message.path("channel").asText(), message.path("id").asText()));
    long since = seen.get(2).path("time").asLong();

    api.publishedId(base + ".a", "a2");
    api.publishedId(base + ".new", "n0");
    api.publishedId(base + ".b", "b1");
    api.publishedId(base + ".new", "n1");
    WsClient resumed = connect();
    resumed.subscribe(base + ".*", "after", lastIds, "since", since);
    api.publishedId(base + ".new", "end");

    // Five messages, not "until end": the channels catch up concurrently, so end (live on a channel
    // met through since) may come before a2 (history of a channel resumed after its id).
    Map<String, List<String>> byChannel = dataByChannel(resumed.messages(5));
    assertThat(byChannel).containsOnly(
        Map.entry(base + ".a", List.of("a2")),
        Map.entry(base + ".b", List.of("b1")),
        Map.entry(base + ".new", List.of("n0", "n1", "end")));
  }

  @Test
  void patternResumesFromTheCursorOfTheSubscribeEndpoint() {
    String base = uniqueChannel("p-cursor");
    api.publishedId(base + ".a", "a0");
    api.publishedId(base + ".b", "b0");
    api.publishedId(base + ".a", "a1");
    JsonNode page = api.get("/v1/subscribe?channel=" + Api.encode(base + ".*") + "&from=earliest&limit=2").expect(200).json();
    List<JsonNode> polled = toList(page.path("messages"));
    assertThat(polled).hasSize(2);
    api.publishedId(base + ".b", "b1");
    api.publishedId(base + ".c", "c0");
    WsClient subscriber = connect();

    subscriber.subscribe(base + ".*", "after", page.path("next").asText());
    api.publishedId(base + ".a", "end");

    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put(base + ".a", new ArrayList<>(List.of("a0", "a1", "end")));
    expected.put(base + ".b", new ArrayList<>(List.of("b0", "b1")));
    expected.put(base + ".c", new ArrayList<>(List.of("c0")));
    polled.forEach(message -> expected.get(message.path("channel").asText()).remove(message.path("data").asText()));
    expected.values().removeIf(List::isEmpty);
    assertThat(dataByChannel(subscriber.messagesUntil(base + ".a", "end"))).isEqualTo(expected);
  }

  @Test
  void channelResumedAfterAnIdOfAnotherIncarnationIsToldOfTheGap() {
    String channel = uniqueChannel("epoch");
    List<String> ids = List.of(api.publishedId(channel, "m0"), api.publishedId(channel, "m1"));
    Cursor current = Cursor.parse(ids.get(1));
    long otherEpoch = current.epoch() == Cursor.MAX_EPOCH ? 1 : current.epoch() + 1;
    String fromAnotherLife = Cursor.of(ChannelName.of(channel), otherEpoch, 1).encode();
    WsClient subscriber = connect();

    subscriber.subscribe(channel, "after", fromAnotherLife);

    JsonNode truncated = subscriber.next();
    assertThat(truncated.path("op").asText()).as("frame: %s", truncated).isEqualTo("truncated");
    assertThat(truncated.path("channel").asText()).isEqualTo(channel);
    assertThat(field(subscriber.messages(2), "id")).containsExactlyElementsOf(ids);
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }

  private static Map<String, List<String>> dataByChannel(List<JsonNode> messages) {
    return messages.stream().collect(Collectors.groupingBy(message -> message.path("channel").asText(), LinkedHashMap::new,
        Collectors.mapping(message -> message.path("data").asText(), Collectors.toList())));
  }

  private static List<String> numbered(String prefix, int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(prefix + i);
    }
    return names;
  }
}

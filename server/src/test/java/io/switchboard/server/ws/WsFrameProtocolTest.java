package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON frame protocol of {@code /v1/ws}: answers carry the client's ref, and every frame the
 * server cannot accept is answered with an error frame (status, ref, detail) on a connection that
 * stays open. Size limits (413, 1009) are in {@link WsLimitsTest}.
 */
class WsFrameProtocolTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

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
  void subscribeWithRefIsAcknowledgedWithThatRef() {
    String channel = uniqueChannel("ack-sub");

    client.send(frame("op", "subscribe", "channel", channel, "ref", "s-1"));

    JsonNode ack = client.next();
    assertThat(ack.path("op").asText()).as("answer: %s", ack).isEqualTo("ack");
    assertThat(ack.path("ref").asText()).isEqualTo("s-1");
    assertThat(ack.has("id")).as("a subscribe ack has no id: %s", ack).isFalse();
  }

  @Test
  void unsubscribeWithRefIsAcknowledgedWithThatRef() {
    String channel = uniqueChannel("ack-unsub");
    client.subscribe(channel);

    client.send(frame("op", "unsubscribe", "channel", channel, "ref", "u-1"));

    JsonNode ack = client.next();
    assertThat(ack.path("op").asText()).as("answer: %s", ack).isEqualTo("ack");
    assertThat(ack.path("ref").asText()).isEqualTo("u-1");
  }

  @Test
  void publishWithRefIsAcknowledgedWithTheIdOfTheStoredMessage() {
    String channel = uniqueChannel("ack-pub");

    client.send(frame("op", "publish", "channel", channel, "data", "hello\nworld", "event", "greeting", "ref", "p-1"));

    JsonNode ack = client.next();
    assertThat(ack.path("op").asText()).as("answer: %s", ack).isEqualTo("ack");
    assertThat(ack.path("ref").asText()).isEqualTo("p-1");
    List<JsonNode> stored = api.readAll(channel);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).path("id").asText()).isEqualTo(ack.path("id").asText());
    assertThat(stored.get(0).path("data").asText()).isEqualTo("hello\nworld");
    assertThat(stored.get(0).path("event").asText()).isEqualTo("greeting");
  }

  @Test
  void publishedMessageReachesASubscriberWithEveryField() {
    String channel = uniqueChannel("fields");
    client.subscribe(channel);
    long before = System.currentTimeMillis();

    String id = client.publish(channel, "{\"quoted\":\"json in a string\"} é ✓");
    client.send(frame("op", "publish", "channel", channel, "data", "typed", "event", "order-created"));

    List<JsonNode> messages = client.messages(2);
    JsonNode first = messages.get(0);
    assertThat(first.path("channel").asText()).isEqualTo(channel);
    assertThat(first.path("id").asText()).isEqualTo(id);
    assertThat(first.path("time").asLong()).isBetween(before - 1_000, System.currentTimeMillis() + 1_000);
    assertThat(first.path("data").asText()).isEqualTo("{\"quoted\":\"json in a string\"} é ✓");
    assertThat(first.has("event")).as("no event was given: %s", first).isFalse();
    assertThat(messages.get(1).path("event").asText()).isEqualTo("order-created");
  }

  @Test
  void publishWithoutRefStoresTheMessage() {
    String channel = uniqueChannel("no-ref");
    client.subscribe(channel);

    client.send(frame("op", "publish", "channel", channel, "data", "quiet"));

    assertThat(WsClient.field(client.messages(1), "data")).containsExactly("quiet");
    assertThat(WsClient.field(api.readAll(channel), "data")).containsExactly("quiet");
  }

  @Test
  void pingIsAnsweredWithPongCarryingItsRef() {
    client.send(frame("op", "ping", "ref", "pp-7"));

    JsonNode pong = client.next();
    assertThat(pong.path("op").asText()).isEqualTo("pong");
    assertThat(pong.path("ref").asText()).isEqualTo("pp-7");
  }

  @Test
  void pingWithoutRefIsAnsweredWithPongWithoutRef() {
    client.send(frame("op", "ping"));

    JsonNode pong = client.next();
    assertThat(pong.path("op").asText()).isEqualTo("pong");
    assertThat(pong.has("ref")).as("pong: %s", pong).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "", "[1,2,3]", "\"subscribe\"", "42", "null", "{\"op\":\"ping\",}"})
  void frameThatIsNotAJsonObjectIsAnsweredWith400(String text) {
    client.send(text);

    JsonNode error = client.error();
    assertError(error, 400, null);
    client.assertStillUsable();
  }

  /** Two JSON values in one frame are not a JSON object: the second must not be silently ignored. */
  @Test
  void frameWithTextAfterTheJsonObjectIsAnsweredWith400() {
    client.send("{\"op\":\"ping\",\"ref\":\"r-trailing\"} {\"op\":\"publish\"}");

    JsonNode answer = client.next();
    assertThat(answer.path("op").asText()).as("a frame that is not one JSON value is not valid: %s", answer).isEqualTo("error");
    assertThat(answer.path("status").asInt()).isEqualTo(400);
    client.assertStillUsable();
  }

  @Test
  void frameWithoutOpIsAnsweredWith400AndItsRef() {
    client.send(frame("channel", "x", "ref", "r-no-op"));

    assertError(client.error(), 400, "r-no-op");
    client.assertStillUsable();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dance", "SUBSCRIBE", ""})
  void unknownOpIsAnsweredWith400NamingTheKnownOnes(String op) {
    client.send(frame("op", op, "ref", "r-op"));

    String detail = assertError(client.error(), 400, "r-op");
    assertThat(detail).contains("subscribe");
    client.assertStillUsable();
  }

  @Test
  void opThatIsNotAStringIsAnsweredWith400() {
    client.send(frame("op", 7, "ref", "r-num-op"));

    assertError(client.error(), 400, "r-num-op");
    client.assertStillUsable();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad..name", "spaces are bad", "orders.>.tail", ".leading", "trailing.", "a/b"})
  void subscribeToAnInvalidChannelOrPatternIsAnsweredWith400(String channel) {
    client.send(frame("op", "subscribe", "channel", channel, "ref", "r-bad-channel"));

    assertError(client.error(), 400, "r-bad-channel");
    client.assertStillUsable();
  }

  @Test
  void subscribeToAChannelNameLongerThan255IsAnsweredWith400() {
    client.send(frame("op", "subscribe", "channel", "a".repeat(256), "ref", "r-long"));

    assertError(client.error(), 400, "r-long");
    client.assertStillUsable();
  }

  @Test
  void subscribeWithoutChannelIsAnsweredWith400() {
    client.send(frame("op", "subscribe", "ref", "r-missing"));

    String detail = assertError(client.error(), 400, "r-missing");
    assertThat(detail).contains("channel");
    client.assertStillUsable();
  }

  @Test
  void subscribeWithAChannelThatIsNotAStringIsAnsweredWith400() {
    client.send(frame("op", "subscribe", "channel", List.of("a", "b"), "ref", "r-array"));

    assertError(client.error(), 400, "r-array");
    client.assertStillUsable();
  }

  @Test
  void publishToAPatternIsAnsweredWith400() {
    client.send(frame("op", "publish", "channel", "orders.*", "data", "x", "ref", "r-pub-pattern"));

    assertError(client.error(), 400, "r-pub-pattern");
    client.assertStillUsable();
  }

  /**
   * Found by ClientFramePropertiesTest: data with an unpaired surrogate (escaped in JSON) was stored,
   * then read over HTTP as that escape but over WebSocket, event streams and the durable engine as '?'.
   */
  @Test
  void publishOfDataWithAnUnpairedSurrogateIsAnsweredWith400AndStoresNothing() {
    String channel = uniqueChannel("surrogate");

    client.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"data\":\"a\\ud800b\",\"ref\":\"r-data\"}");
    String detail = assertError(client.error(), 400, "r-data");
    client.send("{\"op\":\"ping\",\"ref\":\"r-\\udc00\"}");
    assertError(client.error(), 400, null);

    assertThat(detail).contains("\"data\"").contains("surrogate");
    assertThat(api.readAll(channel)).isEmpty();
    client.assertStillUsable();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-cursor", "0000000000000000000000000000000z", "", "00000000000000000000000000000000"})
  void subscribeAfterAStringThatIsNotAMessageIdIsAnsweredWith400(String after) {
    String channel = uniqueChannel("bad-after");

    client.send(frame("op", "subscribe", "channel", channel, "after", after, "ref", "r-cursor"));

    assertError(client.error(), 400, "r-cursor");
    client.assertStillUsable();
  }

  @Test
  void subscribeAfterAnIdOfAnotherChannelIsAnsweredWith400() {
    String other = uniqueChannel("other");
    String idOfOther = api.publishedId(other, "x");

    client.send(frame("op", "subscribe", "channel", uniqueChannel("mine"), "after", idOfOther, "ref", "r-foreign"));

    String detail = assertError(client.error(), 400, "r-foreign");
    assertThat(detail).contains(idOfOther);
    client.assertStillUsable();
  }

  @Test
  void subscribeToAChannelAfterSomethingOtherThanAStringIsAnsweredWith400() {
    client.send(frame("op", "subscribe", "channel", uniqueChannel("num-after"), "after", 17, "ref", "r-num-after"));

    assertError(client.error(), 400, "r-num-after");
    client.assertStillUsable();
  }

  @Test
  void subscribeToAPatternAfterAStringThatIsNotAStreamCursorIsAnsweredWith400() {
    client.send(frame("op", "subscribe", "channel", uniqueChannel("p") + ".*", "after", "garbage!", "ref", "r-stream"));

    assertError(client.error(), 400, "r-stream");
    client.assertStillUsable();
  }

  @Test
  void subscribeToAPatternAfterAnObjectWithABadEntryIsAnsweredWith400() {
    String base = uniqueChannel("p-obj");
    String id = api.publishedId(base + ".a", "x");

    client.send(frame("op", "subscribe", "channel", base + ".*", "after", Map.of(base + ".a", 5), "ref", "r-entry-type"));
    assertError(client.error(), 400, "r-entry-type");
    client.send(frame("op", "subscribe", "channel", base + ".*", "after", Map.of("bad..name", id), "ref", "r-entry-name"));
    assertError(client.error(), 400, "r-entry-name");
    client.send(frame("op", "subscribe", "channel", base + ".*", "after", Map.of(base + ".b", id), "ref", "r-entry-foreign"));
    assertError(client.error(), 400, "r-entry-foreign");
    client.send(frame("op", "subscribe", "channel", base + ".*", "after", List.of(id), "ref", "r-entry-array"));
    assertError(client.error(), 400, "r-entry-array");
    client.assertStillUsable();
  }

  @Test
  void subscribeWithANegativeOrNonNumericSinceIsAnsweredWith400() {
    String pattern = uniqueChannel("since") + ".*";

    client.send(frame("op", "subscribe", "channel", pattern, "after", Map.of(), "since", -1, "ref", "r-neg"));
    assertError(client.error(), 400, "r-neg");
    client.send(frame("op", "subscribe", "channel", pattern, "after", Map.of(), "since", "yesterday", "ref", "r-text"));
    assertError(client.error(), 400, "r-text");
    client.send(frame("op", "subscribe", "channel", pattern, "after", Map.of(), "since", 1.5, "ref", "r-fraction"));
    assertError(client.error(), 400, "r-fraction");
    client.assertStillUsable();
  }

  /** Found by ClientFramePropertiesTest: 2^64 + 5 was read through a long that wrapped around to 5. */
  @Test
  void subscribeWithASinceBeyondTheRangeOfALongIsAnsweredWith400() {
    String pattern = uniqueChannel("since") + ".*";

    client.send(frame("op", "subscribe", "channel", pattern, "after", Map.of(), "since", BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(5)),
        "ref", "r-huge"));

    assertThat(assertError(client.error(), 400, "r-huge")).contains("since");
    client.assertStillUsable();
  }

  @Test
  void subscribeWithAnUnknownFromIsAnsweredWith400() {
    client.send(frame("op", "subscribe", "channel", uniqueChannel("from"), "from", "middle", "ref", "r-from"));

    String detail = assertError(client.error(), 400, "r-from");
    assertThat(detail).contains("earliest");
    client.assertStillUsable();
  }

  @Test
  void subscribeWithBothAfterAndFromIsAnsweredWith400() {
    String channel = uniqueChannel("both");
    String id = api.publishedId(channel, "x");

    client.send(frame("op", "subscribe", "channel", channel, "after", id, "from", "earliest", "ref", "r-both"));

    assertError(client.error(), 400, "r-both");
    client.assertStillUsable();
  }

  @Test
  void failedSubscribeLeavesNoSubscriptionBehind() {
    String channel = uniqueChannel("failed-sub");
    client.send(frame("op", "subscribe", "channel", channel, "from", "middle", "ref", "r-failed"));
    assertError(client.error(), 400, "r-failed");

    client.subscribe(channel);
    api.publishedId(channel, "after the retry");

    assertThat(WsClient.field(client.messages(1), "data")).containsExactly("after the retry");
  }

  @Test
  void publishWithDataThatIsNotAStringIsAnsweredWith400() {
    String channel = uniqueChannel("data-type");

    client.send(frame("op", "publish", "channel", channel, "data", Map.of("an", "object"), "ref", "r-obj"));
    assertError(client.error(), 400, "r-obj");
    client.send(frame("op", "publish", "channel", channel, "data", 42, "ref", "r-num"));
    assertError(client.error(), 400, "r-num");
    client.send(frame("op", "publish", "channel", channel, "ref", "r-none"));
    String detail = assertError(client.error(), 400, "r-none");
    assertThat(detail).contains("data");
    client.assertStillUsable();

    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored, so the channel is unknown").isEqualTo(404);
  }

  @Test
  void publishWithAnEventThatIsNotAStringIsAnsweredWith400() {
    client.send(frame("op", "publish", "channel", uniqueChannel("event-type"), "data", "x", "event", 3, "ref", "r-event"));

    assertError(client.error(), 400, "r-event");
    client.assertStillUsable();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "new\nline", "switchboard.shutdown", "e-65-characters-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void publishWithAnInvalidEventNameIsAnsweredWith400(String event) {
    String channel = uniqueChannel("bad-event");

    client.send(frame("op", "publish", "channel", channel, "data", "x", "event", event, "ref", "r-event-name"));

    assertError(client.error(), 400, "r-event-name");
    client.assertStillUsable();
    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored").isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "tab\there", "é"})
  void publishWithAnInvalidIdempotencyKeyIsAnsweredWith400(String key) {
    String channel = uniqueChannel("bad-key");

    client.send(frame("op", "publish", "channel", channel, "data", "x", "idempotencyKey", key, "ref", "r-key"));

    assertError(client.error(), 400, "r-key");
    client.assertStillUsable();
    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored").isEqualTo(404);
  }

  @Test
  void refLongerThan128CharactersIsAnsweredWith400WithoutEchoingIt() {
    String longRef = "r".repeat(129);

    client.send(frame("op", "ping", "ref", longRef));

    JsonNode error = client.error();
    assertError(error, 400, null);
    assertThat(error.path("detail").asText()).contains("128");
    client.assertStillUsable();
  }

  @Test
  void refOf128CharactersIsEchoed() {
    String ref = "r".repeat(128);

    client.send(frame("op", "ping", "ref", ref));

    JsonNode pong = client.next();
    assertThat(pong.path("op").asText()).isEqualTo("pong");
    assertThat(pong.path("ref").asText()).isEqualTo(ref);
  }

  @Test
  void refThatIsNotAStringIsAnsweredWith400() {
    client.send(frame("op", "ping", "ref", 12));

    assertError(client.error(), 400, null);
    client.assertStillUsable();
  }

  @Test
  void binaryFrameIsAnsweredWith400() {
    client.sendBinary("{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8));

    String detail = assertError(client.error(), 400, null);
    assertThat(detail).containsIgnoringCase("text");
    client.assertStillUsable();
  }

  @Test
  void secondSubscribeToTheSameChannelIsAnsweredWith409() {
    String channel = uniqueChannel("twice");
    client.subscribe(channel);

    client.send(frame("op", "subscribe", "channel", channel, "ref", "r-again"));

    String detail = assertError(client.error(), 409, "r-again");
    assertThat(detail).contains(channel);
    client.assertStillUsable();
    api.publishedId(channel, "once");
    api.publishedId(channel, "twice");
    assertThat(WsClient.field(client.messages(2), "data")).as("the first subscription still delivers, once")
        .containsExactly("once", "twice");
  }

  @Test
  void unsubscribeFromAChannelNotSubscribedIsAnsweredWith404() {
    String channel = uniqueChannel("never");

    client.send(frame("op", "unsubscribe", "channel", channel, "ref", "r-unknown"));

    String detail = assertError(client.error(), 404, "r-unknown");
    assertThat(detail).contains(channel);
    client.assertStillUsable();
  }

  @Test
  void secondUnsubscribeIsAnsweredWith404() {
    String channel = uniqueChannel("unsub-twice");
    client.subscribe(channel);
    client.unsubscribe(channel);

    client.send(frame("op", "unsubscribe", "channel", channel, "ref", "r-second"));

    assertError(client.error(), 404, "r-second");
    client.assertStillUsable();
  }

  @Test
  void retriedPublishWithTheSameIdempotencyKeyIsAcknowledgedWithTheFirstId() {
    String channel = uniqueChannel("idem");

    client.send(frame("op", "publish", "channel", channel, "data", "pay 10", "idempotencyKey", "k-1", "ref", "first"));
    String first = client.ack("first").path("id").asText();
    client.send(frame("op", "publish", "channel", channel, "data", "pay 10", "idempotencyKey", "k-1", "ref", "retry"));
    String retried = client.ack("retry").path("id").asText();

    assertThat(retried).isEqualTo(first);
    assertThat(api.readAll(channel)).hasSize(1);
  }

  @Test
  void reusedIdempotencyKeyWithOtherDataIsAnsweredWith422() {
    String channel = uniqueChannel("idem-conflict");
    client.send(frame("op", "publish", "channel", channel, "data", "pay 10", "idempotencyKey", "k-2", "ref", "first"));
    client.ack("first");

    client.send(frame("op", "publish", "channel", channel, "data", "pay 99", "idempotencyKey", "k-2", "ref", "conflict"));

    assertError(client.error(), 422, "conflict");
    client.assertStillUsable();
    assertThat(WsClient.field(api.readAll(channel), "data")).containsExactly("pay 10");
  }

  @Test
  void subscriptionBeyondTheThousandthIsAnsweredWith429() {
    String base = uniqueChannel("many");
    for (int i = 0; i < 1_000; i++) {
      client.send(frame("op", "subscribe", "channel", base + "." + i));
    }
    client.assertStillUsable();

    client.send(frame("op", "subscribe", "channel", base + ".one-too-many", "ref", "r-limit"));

    String detail = assertError(client.error(), 429, "r-limit");
    assertThat(detail).contains("1000");
    assertThat(client.drainUnread()).as("the thousand subscribes without ref were all accepted silently").isEmpty();
    client.unsubscribe(base + ".0");
    client.subscribe(base + ".one-too-many");
  }

  @Test
  void plainGetWithoutUpgradeIsAnsweredWith426Problem() {
    Reply response = api.get("/v1/ws");

    assertThat(response.status()).isEqualTo(426);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.headers().firstValue("Upgrade")).hasValueSatisfying(upgrade -> assertThat(upgrade).isEqualToIgnoringCase("websocket"));
    JsonNode problem = response.json();
    assertThat(problem.path("status").asInt()).isEqualTo(426);
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("detail").asText()).containsIgnoringCase("websocket");
  }

  /** Asserts an error frame with {@code status}, the given ref (none when null) and a detail; returns the detail. */
  static String assertError(JsonNode error, int status, String ref) {
    assertThat(error.path("op").asText()).as("frame: %s", error).isEqualTo("error");
    assertThat(error.path("status").isInt()).as("status is a number: %s", error).isTrue();
    assertThat(error.path("status").asInt()).as("status of %s", error).isEqualTo(status);
    if (ref == null) {
      assertThat(error.has("ref")).as("no ref in %s", error).isFalse();
    } else {
      assertThat(error.path("ref").asText()).as("ref of %s", error).isEqualTo(ref);
    }
    String detail = error.path("detail").asText();
    assertThat(detail).as("detail of %s", error).isNotBlank();
    return detail;
  }
}

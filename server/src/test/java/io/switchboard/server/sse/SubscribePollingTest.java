package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/subscribe} without an event stream: a short poll answers at once, a long poll
 * ({@code wait=}) is held until a matching channel has news; {@code next} resumes every channel;
 * {@code limit} pages through several channels without losing or repeating a message.
 */
class SubscribePollingTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  private JsonNode poll(List<String> channels, String query) {
    return api.get(Api.subscribePath(channels, query)).expectJson(200);
  }

  private static Map<String, List<String>> byChannel(List<JsonNode> messages) {
    Map<String, List<String>> ids = new LinkedHashMap<>();
    messages.forEach(message -> ids.computeIfAbsent(message.path("channel").asText(), name -> new ArrayList<>()).add(message.path("id").asText()));
    return ids;
  }

  private static List<JsonNode> messages(JsonNode page) {
    List<JsonNode> messages = new ArrayList<>();
    page.path("messages").forEach(messages::add);
    return messages;
  }

  @Test
  void shortPollWithoutAPositionAnswersAtOnceWithNothingAndANext() {
    String p = uniqueChannel("now");
    api.publishedId(p + ".a", "old");

    long started = System.nanoTime();
    JsonNode page = poll(List.of(p + ".*"), "");

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isNotBlank();
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    assertThat(page.has("truncations")).isFalse();
  }

  @Test
  void nextSeesWhatWasPublishedSinceOnEveryMatchingChannelThenNothing() {
    String p = uniqueChannel("next");
    List<String> subscription = List.of(p + ".orders.*", p + ".alerts");
    String next = poll(subscription, "").path("next").asText();
    Map<String, List<String>> published = new LinkedHashMap<>();
    for (String channel : List.of(p + ".orders.1", p + ".alerts", p + ".orders.new", p + ".orders.1")) {
      published.computeIfAbsent(channel, name -> new ArrayList<>()).add(api.publishedId(channel, channel));
    }
    api.publishedId(p + ".other", "not matched");
    api.publishedId(p + ".orders.1.deep", "not matched");

    JsonNode page = poll(subscription, "after=" + Api.encode(next));

    assertThat(byChannel(messages(page))).isEqualTo(published);
    JsonNode after = poll(subscription, "after=" + Api.encode(page.path("next").asText()));
    assertThat(after.path("messages")).isEmpty();
    assertThat(after.path("next").asText()).isEqualTo(page.path("next").asText());
  }

  @Test
  void limitPagesThroughSeveralChannelsReturningEveryMessageExactlyOnce() {
    String p = uniqueChannel("paging");
    List<String> subscription = List.of(p + ".*", p + ".x.exact");
    String next = poll(subscription, "").path("next").asText();
    Map<String, List<String>> published = new LinkedHashMap<>();
    String[] channels = {p + ".a", p + ".b", p + ".x.exact", p + ".c"};
    int[] counts = {7, 6, 5, 4};
    for (int round = 0; round < 7; round++) {
      for (int c = 0; c < channels.length; c++) {
        if (round < counts[c]) {
          published.computeIfAbsent(channels[c], name -> new ArrayList<>()).add(api.publishedId(channels[c], channels[c] + "#" + round));
        }
      }
    }

    List<JsonNode> received = new ArrayList<>();
    int pages = 0;
    while (true) {
      JsonNode page = poll(subscription, "limit=4&after=" + Api.encode(next));
      assertThat(page.path("messages").size()).as("page %s", page).isLessThanOrEqualTo(4);
      assertThat(page.path("truncated").asBoolean(true)).isFalse();
      if (page.path("messages").isEmpty()) {
        assertThat(page.path("next").asText()).isEqualTo(next);
        break;
      }
      received.addAll(messages(page));
      next = page.path("next").asText();
      assertThat(++pages).as("pages needed for 22 messages").isLessThanOrEqualTo(22);
    }

    assertThat(received).extracting(message -> message.path("id").asText()).doesNotHaveDuplicates();
    assertThat(byChannel(received)).isEqualTo(published);
  }

  @Test
  void longPollIsHeldUntilAnyMatchingChannelHasNewsAndAnswersWithinMillis() throws Exception {
    String p = uniqueChannel("long");
    List<String> subscription = List.of(p + ".*", p + ".exact.name");
    String next = poll(subscription, "").path("next").asText();
    CompletableFuture<Reply> held = api.getAsync(Api.subscribePath(subscription, "wait=30&after=" + Api.encode(next)));
    api.awaitSubscribers(p + ".b", "long-poll", 1, PROMPTLY);

    api.publishedId(p + ".b.not-matched", "not news for this poll");
    api.publishedId(p + ".other.x", "nor this");
    assertThat(api.subscribers(p + ".b", "long-poll")).as("still held after unmatched publishes").isEqualTo(1);
    assertThat(held).isNotDone();

    long publishing = System.nanoTime();
    String id = api.publishedId(p + ".b", "news");
    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    long answeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - publishing);

    assertThat(answeredMillis).as("answered after the publish").isLessThan(500);
    assertThat(page.path("messages").findValuesAsText("id")).containsExactly(id);
    api.awaitSubscribers(p + ".b", "long-poll", 0, PROMPTLY);
  }

  @Test
  void longPollWithoutAPositionWaitsForTheFirstNewMessage() throws Exception {
    String p = uniqueChannel("long-now");
    api.publishedId(p + ".a", "old");
    CompletableFuture<Reply> held = api.getAsync(Api.subscribePath(List.of(p + ".*"), "wait=30"));
    api.awaitSubscribers(p + ".a", "long-poll", 1, PROMPTLY);

    String id = api.publishedId(p + ".a", "new");

    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(page.path("messages").findValuesAsText("id")).containsExactly(id);
  }

  @Test
  void longPollWithNewsAlreadyWaitingAnswersAtOnce() {
    String p = uniqueChannel("long-ready");
    String next = poll(List.of(p + ".*"), "").path("next").asText();
    String id = api.publishedId(p + ".a", "ready");

    long started = System.nanoTime();
    JsonNode page = poll(List.of(p + ".*"), "wait=30&after=" + Api.encode(next));

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
    assertThat(page.path("messages").findValuesAsText("id")).containsExactly(id);
  }

  @Test
  void longPollWithoutNewsAnswersEmptyWhenTheWaitEnds() {
    String p = uniqueChannel("long-empty");
    String next = poll(List.of(p + ".*"), "").path("next").asText();

    long started = System.nanoTime();
    JsonNode page = poll(List.of(p + ".*"), "wait=1&after=" + Api.encode(next));
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(elapsed).isBetween(900L, 3_000L);
    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isEqualTo(next);
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
  }

  @Test
  void outOfRangeParametersAreRefused() {
    String p = uniqueChannel("range");
    for (String query : List.of("wait=0", "wait=61", "wait=x", "limit=0", "limit=1001", "limit=many", "from=yesterday")) {
      api.get(Api.subscribePath(List.of(p + ".*"), query)).expectProblem(400);
    }
    api.get("/v1/subscribe").expectProblem(400);
    api.get("/v1/subscribe?channel=a..b").expectProblem(400);
    api.get(Api.subscribePath(List.of(p + ".*"), "after=nope")).expectProblem(400);
  }
}

package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request-response and short polling: publish with POST, read with GET, page with next. */
class PublishAndReadTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void publishAnswers201WithIdChannelAndTime() {
    String channel = uniqueChannel("orders");
    long before = System.currentTimeMillis();
    JsonNode published = api.publish(channel, "hello").expectJson(201);
    long after = System.currentTimeMillis();

    assertThat(published.path("id").asText()).matches("[0-9a-v]{32}");
    assertThat(published.path("channel").asText()).isEqualTo(channel);
    assertThat(published.path("time").isIntegralNumber()).as("time is a number: %s", published).isTrue();
    assertThat(published.path("time").asLong()).isBetween(before, after);
    assertThat(published.size()).as("fields of %s", published).isEqualTo(3);
  }

  @Test
  void publishedIdIsUsableAsAfter() {
    String channel = uniqueChannel("after");
    String first = api.publishedId(channel, "one");
    String second = api.publishedId(channel, "two");

    JsonNode page = api.read(channel, "after=" + first).expectJson(200);

    assertThat(page.path("messages")).hasSize(1);
    JsonNode message = page.path("messages").get(0);
    assertThat(message.path("id").asText()).isEqualTo(second);
    assertThat(message.path("channel").asText()).isEqualTo(channel);
    assertThat(message.path("data").asText()).isEqualTo("two");
    assertThat(message.has("event")).as("no event was given: %s", message).isFalse();
    assertThat(page.path("next").asText()).isEqualTo(second);
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    assertThat(page.has("earliest")).as("earliest only when truncated: %s", page).isFalse();
  }

  @Test
  void multiLineAndUnicodeDataRoundTripsExactly() {
    String channel = uniqueChannel("unicode");
    List<String> data = List.of(
        "line one\nline two\r\nline three\n",
        "emoji 😀🚀 and CJK 漢字かな한글, accents ünïcødé",
        "json-ish {\"quoted\": \"\\\\ back\\slash\"}\t</script>",
        "\n\n  leading and trailing whitespace  \n",
        "control characters \u0000 \u0001 \u001f \u007f and separators \u2028 \u2029, BOM \ufeff",
        "astral plane 𝄞 𠀀 and a combining accent e\u0301");
    data.forEach(text -> api.publish(channel, text).expect(201));

    List<String> read = api.readAll(channel).stream().map(message -> message.path("data").asText()).toList();

    assertThat(read).containsExactlyElementsOf(data);
  }

  @Test
  void eventNameRoundTrips() {
    String channel = uniqueChannel("events");
    api.publish(channel, "event=order.created:v1", "created".getBytes(StandardCharsets.UTF_8)).expect(201);

    JsonNode message = api.read(channel, "from=earliest").expectJson(200).path("messages").get(0);

    assertThat(message.path("event").asText()).isEqualTo("order.created:v1");
    assertThat(message.path("data").asText()).isEqualTo("created");
  }

  @Test
  void emptyBodyIsAnEmptyMessage() {
    String channel = uniqueChannel("empty");
    api.publish(channel, "", new byte[0]).expect(201);

    List<JsonNode> messages = api.readAll(channel);

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).path("data").isTextual()).isTrue();
    assertThat(messages.get(0).path("data").asText()).isEmpty();
  }

  @Test
  void fromEarliestReturnsEverythingRetainedInOrder() {
    String channel = uniqueChannel("history");
    List<String> ids = IntStream.range(0, 5).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();

    JsonNode page = api.read(channel, "from=earliest").expectJson(200);

    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("m0", "m1", "m2", "m3", "m4");
    assertThat(page.path("next").asText()).isEqualTo(ids.get(4));
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
  }

  @Test
  void readWithoutAfterStartsAtTheEndAndShortPollingSeesOnlyNewerMessages() {
    String channel = uniqueChannel("poll");
    api.publish(channel, "old one").expect(201);
    String lastOld = api.publishedId(channel, "old two");

    JsonNode now = api.read(channel, "").expectJson(200);
    assertThat(now.path("messages")).isEmpty();
    assertThat(now.path("next").asText()).as("next of a read without after is the channel's end").isEqualTo(lastOld);

    JsonNode nothingYet = api.read(channel, "after=" + now.path("next").asText()).expectJson(200);
    assertThat(nothingYet.path("messages")).isEmpty();
    assertThat(nothingYet.path("next").asText()).isEqualTo(lastOld);

    String fresh = api.publishedId(channel, "new");
    JsonNode news = api.read(channel, "after=" + nothingYet.path("next").asText()).expectJson(200);
    assertThat(news.path("messages").findValuesAsText("data")).containsExactly("new");
    assertThat(news.path("next").asText()).isEqualTo(fresh);

    JsonNode quietAgain = api.read(channel, "after=" + news.path("next").asText()).expectJson(200);
    assertThat(quietAgain.path("messages")).isEmpty();
    assertThat(quietAgain.path("next").asText()).isEqualTo(fresh);
  }

  @Test
  void readWithoutAfterOnAnUnknownChannelGivesACursorThatSeesTheFirstMessage() {
    String channel = uniqueChannel("fresh");
    JsonNode now = api.read(channel, "").expectJson(200);
    assertThat(now.path("messages")).isEmpty();

    api.publish(channel, "first").expect(201);
    JsonNode news = api.read(channel, "after=" + now.path("next").asText()).expectJson(200);

    assertThat(news.path("truncated").asBoolean(true)).isFalse();
    assertThat(news.path("messages").findValuesAsText("data")).containsExactly("first");
  }

  @Test
  void limitPagesThrough250MessagesWithNextAndIdsIncreaseAsStrings() {
    String channel = uniqueChannel("paging");
    List<String> published = IntStream.range(0, 250).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();

    List<Integer> pageSizes = new ArrayList<>();
    List<JsonNode> read = new ArrayList<>();
    JsonNode page = api.read(channel, "from=earliest&limit=100").expectJson(200);
    while (page.path("messages").size() > 0) {
      pageSizes.add(page.path("messages").size());
      page.path("messages").forEach(read::add);
      assertThat(page.path("next").asText()).isEqualTo(read.get(read.size() - 1).path("id").asText());
      page = api.read(channel, "after=" + page.path("next").asText() + "&limit=100").expectJson(200);
    }

    assertThat(pageSizes).containsExactly(100, 100, 50);
    assertThat(read.stream().map(message -> message.path("id").asText()).toList()).containsExactlyElementsOf(published);
    assertThat(read.stream().map(message -> message.path("data").asText()).toList())
        .containsExactlyElementsOf(IntStream.range(0, 250).mapToObj(i -> "m" + i).toList());
    assertThat(published).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
    assertThat(read.stream().map(message -> message.path("time").asLong()).toList()).as("times in channel order").isSorted();
  }

  @Test
  void fromLatestIsTheSameAsNoStartingPoint() {
    String channel = uniqueChannel("latest");
    String last = api.publishedId(channel, "x");

    JsonNode page = api.read(channel, "from=latest").expectJson(200);

    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isEqualTo(last);
  }

  @Test
  void limitsAtTheEdgesOfTheirRangeAreAccepted() {
    String channel = uniqueChannel("edges");
    IntStream.range(0, 3).forEach(i -> api.publish(channel, "m" + i).expect(201));

    assertThat(api.read(channel, "from=earliest&limit=1").expectJson(200).path("messages")).hasSize(1);
    assertThat(api.read(channel, "from=earliest&limit=1000").expectJson(200).path("messages")).hasSize(3);
    assertThat(api.read(channel, "from=earliest&limit=0100").expectJson(200).path("messages")).hasSize(3);
  }

  @Test
  void readWithoutLimitAnswersAtMost100Messages() {
    String channel = uniqueChannel("default-limit");
    IntStream.range(0, 120).forEach(i -> api.publish(channel, "m" + i).expect(201));

    JsonNode page = api.read(channel, "from=earliest").expectJson(200);

    assertThat(page.path("messages")).hasSize(100);
    assertThat(page.path("messages").get(99).path("data").asText()).isEqualTo("m99");
  }

  @Test
  void answersAreJsonThatIsNotCached() {
    String channel = uniqueChannel("headers");
    Reply published = api.publish(channel, "x").expect(201);
    Reply read = api.read(channel, "from=earliest").expect(200);

    for (Reply reply : List.of(published, read)) {
      assertThat(reply.header("Content-Type")).startsWith("application/json");
      assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
    }
  }
}

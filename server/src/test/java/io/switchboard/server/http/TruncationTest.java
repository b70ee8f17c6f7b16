package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cursor older than what retention holds is answered with an explicit truncation, never a silent skip. */
class TruncationTest {
  private static final int RETAINED = 5;

  @RegisterExtension static final ServerFixture server =
      ServerFixture.with(settings -> settings.withRetention(RetentionRules.uniform(new RetentionPolicy(RETAINED, Duration.ofHours(1)))));

  private final Api api = server.api();

  @Test
  void staleCursorIsAnsweredWithTruncationAndTheRetainedMessages() {
    String channel = uniqueChannel("trimmed");
    List<String> ids = publishTen(channel);

    JsonNode page = api.read(channel, "after=" + ids.get(0)).expectJson(200);

    assertThat(page.path("truncated").asBoolean()).isTrue();
    assertThat(page.path("earliest").asText()).as("earliest of %s", page).matches("[0-9a-v]{32}");
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("m5", "m6", "m7", "m8", "m9");
    assertThat(page.path("next").asText()).isEqualTo(ids.get(9));

    JsonNode resumed = api.read(channel, "after=" + page.path("earliest").asText()).expectJson(200);
    assertThat(resumed.path("truncated").asBoolean(true)).as("earliest is a position still held: %s", resumed).isFalse();
    assertThat(resumed.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void truncatedPageWithALimitStartsAtTheEarliestRetained() {
    String channel = uniqueChannel("trimmed-limit");
    List<String> ids = publishTen(channel);

    JsonNode page = api.read(channel, "after=" + ids.get(2) + "&limit=2").expectJson(200);

    assertThat(page.path("truncated").asBoolean()).isTrue();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 7));
    JsonNode rest = api.read(channel, "after=" + page.path("next").asText()).expectJson(200);
    assertThat(rest.path("truncated").asBoolean(true)).isFalse();
    assertThat(rest.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(7, 10));
  }

  @Test
  void cursorJustBeforeTheEarliestRetainedIsNotTruncated() {
    String channel = uniqueChannel("edge");
    List<String> ids = publishTen(channel);

    JsonNode page = api.read(channel, "after=" + ids.get(4)).expectJson(200);

    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    assertThat(page.has("earliest")).isFalse();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void fromEarliestReturnsOnlyTheRetainedWithoutTruncation() {
    String channel = uniqueChannel("earliest");
    List<String> ids = publishTen(channel);

    JsonNode page = api.read(channel, "from=earliest").expectJson(200);

    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void longPollWithAStaleCursorAnswersAtOnceWithTruncation() throws Exception {
    String channel = uniqueChannel("stale-poll");
    List<String> ids = publishTen(channel);

    long started = System.nanoTime();
    JsonNode page = api.readAsync(channel, "after=" + ids.get(0) + "&wait=5").get(5, TimeUnit.SECONDS).expectJson(200);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(tookMillis).as("answered at once").isLessThan(1_000);
    assertThat(page.path("truncated").asBoolean()).isTrue();
    assertThat(page.has("earliest")).isTrue();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void cursorOfAnotherIncarnationOfTheChannelIsAnsweredWithTruncation() {
    String channel = uniqueChannel("incarnation");
    List<String> ids = publishTen(channel);
    Cursor current = Cursor.parse(ids.get(9));
    long otherEpoch = current.epoch() == Cursor.MAX_EPOCH ? 1 : current.epoch() + 1;
    String fromAnotherLife = Cursor.of(ChannelName.of(channel), otherEpoch, 9).encode();

    JsonNode page = api.read(channel, "after=" + fromAnotherLife).expectJson(200);

    assertThat(page.path("truncated").asBoolean()).isTrue();
    assertThat(page.path("messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(5, 10));
  }

  @Test
  void channelStatusShowsOnlyTheRetainedCount() {
    String channel = uniqueChannel("status");
    List<String> ids = publishTen(channel);

    JsonNode status = api.get("/v1/channels/" + channel).expectJson(200);

    assertThat(status.path("retained").asInt()).isEqualTo(RETAINED);
    assertThat(status.path("last").asText()).isEqualTo(ids.get(9));
  }

  private List<String> publishTen(String channel) {
    return IntStream.range(0, 10).mapToObj(i -> api.publishedId(channel, "m" + i)).toList();
  }
}

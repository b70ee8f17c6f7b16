package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /v1/channels and GET /v1/channels/{channel}: what operators see. */
class ChannelListingTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void listingShowsPublishedChannelsSortedByNameWithPaging() {
    String prefix = uniqueChannel("list");
    api.publish(prefix + ".charlie", "c").expect(201);
    api.publish(prefix + ".alpha", "a1").expect(201);
    JsonNode lastOfAlpha = api.publish(prefix + ".alpha", "a2").expectJson(201);
    api.publish(prefix + ".bravo", "b").expect(201);

    JsonNode first = api.get("/v1/channels?after=" + prefix + "&limit=2").expectJson(200);
    assertThat(first.path("channels").findValuesAsText("name")).containsExactly(prefix + ".alpha", prefix + ".bravo");
    assertThat(first.path("next").asText()).isEqualTo(prefix + ".bravo");

    JsonNode alpha = first.path("channels").get(0);
    assertThat(alpha.path("retained").asInt()).isEqualTo(2);
    assertThat(alpha.path("earliest").asText()).matches("[0-9a-v]{32}");
    assertThat(alpha.path("last").asText()).isEqualTo(lastOfAlpha.path("id").asText());
    assertThat(alpha.path("lastTime").asLong()).isEqualTo(lastOfAlpha.path("time").asLong());

    JsonNode second = api.get("/v1/channels?after=" + first.path("next").asText() + "&limit=2").expectJson(200);
    assertThat(second.path("channels").get(0).path("name").asText()).isEqualTo(prefix + ".charlie");
  }

  @Test
  void followingNextWalksEveryChannelOnceInNameOrder() {
    String prefix = uniqueChannel("walk");
    List<String> published = List.of(prefix + ".a", prefix + ".b", prefix + ".c", prefix + ".d", prefix + ".e");
    published.forEach(channel -> api.publish(channel, "x").expect(201));

    List<String> names = new ArrayList<>();
    JsonNode page = api.get("/v1/channels?limit=2").expectJson(200);
    int pages = 1;
    while (true) {
      assertThat(page.path("channels").size()).isLessThanOrEqualTo(2);
      page.path("channels").forEach(channel -> names.add(channel.path("name").asText()));
      if (!page.has("next")) {
        break;
      }
      assertThat(page.path("next").asText()).isEqualTo(names.get(names.size() - 1));
      page = api.get("/v1/channels?limit=2&after=" + page.path("next").asText()).expectJson(200);
      pages++;
      assertThat(pages).as("pages walked").isLessThan(1_000);
    }

    assertThat(names).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates().containsAll(published);
  }

  @Test
  void listingWithoutLimitAnswersChannelsAndNoNextWhenAllFit() {
    String channel = uniqueChannel("listed");
    api.publish(channel, "x").expect(201);

    JsonNode page = api.get("/v1/channels?limit=1000").expectJson(200);

    assertThat(page.path("channels").findValuesAsText("name")).contains(channel);
    assertThat(page.has("next")).as("no next when everything fits: %s", page).isFalse();
  }

  @Test
  void listingRefusesABadLimitWith400() {
    api.get("/v1/channels?limit=0").expectProblem(400);
    api.get("/v1/channels?limit=1001").expectProblem(400);
    api.get("/v1/channels?limit=x").expectProblem(400);
  }

  @Test
  void unknownChannelIsA404Problem() {
    String channel = uniqueChannel("nobody");

    String detail = api.get("/v1/channels/" + channel).expectProblem(404);

    assertThat(detail).contains(channel);
  }

  @Test
  void channelStatusShowsRetainedCountAndHeldLongPolls() throws Exception {
    String channel = uniqueChannel("watched");
    api.publish(channel, "one").expect(201);
    String last = api.publishedId(channel, "two");

    JsonNode idle = api.get("/v1/channels/" + channel).expectJson(200);
    assertThat(idle.path("name").asText()).isEqualTo(channel);
    assertThat(idle.path("retained").asInt()).isEqualTo(2);
    assertThat(idle.path("last").asText()).isEqualTo(last);
    assertThat(idle.path("subscribers").path("long-poll").asInt(-1)).isZero();

    CompletableFuture<Reply> held = api.readAsync(channel, "after=" + last + "&wait=20");
    api.awaitSubscribers(channel, "long-poll", 1);
    JsonNode watched = api.get("/v1/channels/" + channel).expectJson(200);
    assertThat(watched.path("retained").asInt()).isEqualTo(2);
    assertThat(watched.path("subscribers").path("long-poll").asInt()).isEqualTo(1);

    api.publish(channel, "three").expect(201);
    held.get(5, TimeUnit.SECONDS).expect(200);
    api.awaitSubscribers(channel, "long-poll", 0);
  }

  @Test
  void channelWithOnlyAHeldLongPollIsShownWithNothingRetained() throws Exception {
    String channel = uniqueChannel("waiting");
    CompletableFuture<Reply> held = api.readAsync(channel, "wait=20");
    api.awaitSubscribers(channel, "long-poll", 1);

    JsonNode status = api.get("/v1/channels/" + channel).expectJson(200);

    assertThat(status.path("name").asText()).isEqualTo(channel);
    assertThat(status.path("retained").asInt(-1)).isZero();
    assertThat(status.path("subscribers").path("long-poll").asInt()).isEqualTo(1);
    api.publish(channel, "release").expect(201);
    held.get(5, TimeUnit.SECONDS).expect(200);
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DELETE /v1/channels/{channel}: what the channel retains is gone, ids go on, old cursors read as truncated, live subscribers carry on. */
class PurgeTest {
  @RegisterExtension
  static final ServerFixture server = ServerFixture.withDefaults();

  private static Api api() {
    return server.api();
  }

  @Test
  void aPurgedChannelStartsEmptyAndGoesOnFromWhereItWas() {
    String channel = ServerFixture.uniqueChannel("purge");
    String first = api().publishedId(channel, "one");
    api().publishedId(channel, "two");

    JsonNode purged = api().send("DELETE", "/v1/channels/" + channel, null).expectJson(200);

    assertThat(purged.path("channel").asText()).isEqualTo(channel);
    assertThat(purged.path("purged").asLong()).isEqualTo(2);
    assertThat(api().read(channel, "from=earliest").expectJson(200).path("messages")).isEmpty();
    api().publishedId(channel, "three");
    JsonNode fromFirst = api().read(channel, "after=" + first).expectJson(200);
    assertThat(fromFirst.path("truncated").asBoolean()).isTrue();
    assertThat(fromFirst.path("messages")).extracting(message -> message.path("data").asText()).containsExactly("three");
  }

  @Test
  void liveSubscribersCarryOnWithWhatIsPublishedNext() {
    String channel = ServerFixture.uniqueChannel("purge-live");
    try (EventStreamClient stream = EventStreamClient.open(api().port(), Api.messagesPath(channel))) {
      stream.expectStream();
      api().publishedId(channel, "before");
      stream.awaitMessages(1, Duration.ofSeconds(5));

      api().send("DELETE", "/v1/channels/" + channel, null).expectJson(200);
      api().publishedId(channel, "after");

      assertThat(stream.awaitMessages(2, Duration.ofSeconds(5))).extracting(event -> event.data()).containsExactly("before", "after");
    }
  }

  @Test
  void purgingAChannelWithNothingInItRemovesNothingAndABadNameIs400() {
    assertThat(api().send("DELETE", "/v1/channels/" + ServerFixture.uniqueChannel("empty"), null).expectJson(200).path("purged").asLong())
        .isZero();
    api().send("DELETE", "/v1/channels/bad..name", null).expectProblem(400);
  }
}

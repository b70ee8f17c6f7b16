package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The memory engine forgets everything in a restart; a client that comes back with a cursor from
 * before is told that history was lost instead of being silently moved on.
 */
class RestartTest {
  @Test
  void cursorFromBeforeARestartOfTheMemoryEngineIsAnsweredWithTruncation() throws Exception {
    String channel = uniqueChannel("restarted");
    String lastBefore;
    SwitchboardServer before = ServerFixture.start(UnaryOperator.identity());
    try {
      Api api = new Api(before.port());
      api.publish(channel, "one").expect(201);
      lastBefore = api.publishedId(channel, "two");
    } finally {
      before.stop();
    }

    SwitchboardServer after = ServerFixture.start(UnaryOperator.identity());
    try {
      Api api = new Api(after.port());

      JsonNode nothingKept = api.read(channel, "after=" + lastBefore).expectJson(200);
      assertThat(nothingKept.path("truncated").asBoolean()).as("the channel is unknown now: %s", nothingKept).isTrue();
      assertThat(nothingKept.path("messages")).isEmpty();
      assertThat(nothingKept.has("earliest")).isTrue();

      long started = System.nanoTime();
      JsonNode polled = api.readAsync(channel, "after=" + lastBefore + "&wait=10").get(5, TimeUnit.SECONDS).expectJson(200);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("a loss is news: answered at once").isLessThan(1_000);
      assertThat(polled.path("truncated").asBoolean()).isTrue();

      String fresh = api.publishedId(channel, "three");
      JsonNode newLife = api.read(channel, "after=" + lastBefore).expectJson(200);
      assertThat(newLife.path("truncated").asBoolean()).as("a cursor of the old incarnation: %s", newLife).isTrue();
      assertThat(newLife.path("messages").findValuesAsText("id")).containsExactly(fresh);

      JsonNode resumed = api.read(channel, "after=" + nothingKept.path("next").asText()).expectJson(200);
      assertThat(resumed.path("truncated").asBoolean(true)).as("next of the truncated answer resumes cleanly: %s", resumed).isFalse();
      assertThat(resumed.path("messages").findValuesAsText("id")).containsExactly(fresh);
    } finally {
      after.stop();
    }
  }
}

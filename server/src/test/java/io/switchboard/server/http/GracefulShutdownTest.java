package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** stop() answers held long polls at once instead of cutting them, then returns. */
class GracefulShutdownTest {
  @Test
  void stopAnswersEveryHeldLongPollWithAnEmptyPage() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
    CompletableFuture<Void> stopped = null;
    try {
      Api api = new Api(server.port());
      String channel = uniqueChannel("closing");
      String last = api.publishedId(channel, "before shutdown");
      List<CompletableFuture<Reply>> held = IntStream.range(0, 3)
          .mapToObj(i -> api.readAsync(channel, "after=" + last + "&wait=30"))
          .toList();
      api.awaitSubscribers(channel, "long-poll", 3);

      long stopping = System.nanoTime();
      stopped = CompletableFuture.runAsync(server::stop);

      CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)).as("held polls answered").isLessThan(5_000);
      for (CompletableFuture<Reply> poll : held) {
        JsonNode page = poll.get().expectJson(200);
        assertThat(page.path("messages")).isEmpty();
        assertThat(page.path("next").asText()).isEqualTo(last);
      }
      stopped.get(15, TimeUnit.SECONDS);
    } finally {
      if (stopped == null) {
        server.stop();
      }
    }
  }

  @Test
  void stopReturnsWhenNothingIsHeld() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
    new Api(server.port()).publish(uniqueChannel("idle"), "x").expect(201);

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);

    stopped.get(15, TimeUnit.SECONDS);
    server.stop(); // a second stop is harmless
  }
}

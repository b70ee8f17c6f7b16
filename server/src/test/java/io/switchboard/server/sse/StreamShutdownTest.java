package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A graceful stop tells every open stream with a {@code switchboard.shutdown} event, then ends it. */
class StreamShutdownTest {
  @Test
  void openStreamsAreToldAboutTheShutdownAndEnded() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
    CompletableFuture<Void> stopped = null;
    try {
      Api api = new Api(server.port());
      String p = uniqueChannel("closing");
      String channel = p + ".room";
      try (EventStreamClient channelStream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream();
          EventStreamClient subscribeStream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(p + ".*"), "")).expectStream();
          EventStreamClient idleStream = EventStreamClient.open(api.port(), Api.messagesPath(uniqueChannel("idle"))).expectStream()) {
        api.awaitSubscribers(channel, "sse", 2, Duration.ofSeconds(5));
        String last = api.publishedId(channel, "before shutdown");
        channelStream.awaitEvents(1, Duration.ofSeconds(5));
        subscribeStream.awaitEvents(1, Duration.ofSeconds(5));

        long stopping = System.nanoTime();
        stopped = CompletableFuture.runAsync(server::stop);

        for (EventStreamClient stream : List.of(channelStream, subscribeStream, idleStream)) {
          assertThat(stream.awaitEnd(Duration.ofSeconds(5))).as("how the stream ended").isEqualTo(EventStreamClient.Ending.ENDED);
          List<SseEvent> events = stream.events();
          SseEvent told = events.get(events.size() - 1);
          assertThat(told.type()).isEqualTo("switchboard.shutdown");
          assertThat(told.id()).isNull();
          assertThat(told.data()).contains("detail");
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)).as("streams ended").isLessThan(5_000);
        assertThat(channelStream.events().get(channelStream.events().size() - 1).lastEventId())
            .as("a browser would reconnect after the last message").isEqualTo(last);
        stopped.get(15, TimeUnit.SECONDS);
      }
    } finally {
      if (stopped == null) {
        server.stop();
      }
    }
  }
}

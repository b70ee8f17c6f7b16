package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idle event streams get comment heartbeats at the configured interval, so proxies keep them open. */
class HeartbeatTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withSseHeartbeat(Duration.ofSeconds(1)));

  private final Api api = server.api();

  @Test
  void idleStreamsReceiveCommentHeartbeatsAndNoEvents() {
    String channel = uniqueChannel("idle");
    try (EventStreamClient channelStream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream();
        EventStreamClient subscribeStream = EventStreamClient.open(api.port(), Api.subscribePath(List.of(channel + ".*"), "")).expectStream()) {
      for (EventStreamClient stream : List.of(channelStream, subscribeStream)) {
        await("two heartbeats after the opening comment")
            .atMost(Duration.ofMillis(3_500))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> stream.comments() >= 3);

        assertThat(stream.raw()).startsWith("retry: 2000\n: switchboard event stream\n\n:\n\n:\n\n");
        assertThat(stream.events()).isEmpty();
        assertThat(stream.ending()).isEqualTo(EventStreamClient.Ending.OPEN);
      }
    }
  }

  @Test
  void heartbeatsFallBetweenEventsWithoutDisturbingThem() {
    String channel = uniqueChannel("busy");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      String first = api.publishedId(channel, "before the heartbeat");
      int commentsBefore = stream.comments();
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> stream.comments() > commentsBefore);
      String second = api.publishedId(channel, "after the heartbeat");

      List<SseEvent> events = stream.awaitEvents(2, Duration.ofSeconds(5));

      assertThat(events).extracting(SseEvent::id).containsExactly(first, second);
      assertThat(events).extracting(SseEvent::data).containsExactly("before the heartbeat", "after the heartbeat");
    }
  }
}

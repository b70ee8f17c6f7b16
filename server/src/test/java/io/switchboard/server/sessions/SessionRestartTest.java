package io.switchboard.server.sessions;

import static io.switchboard.server.sessions.SessionClient.ids;
import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions live as long as the engine keeps them: the embedded engine keeps a session, its
 * subscriptions and its acknowledged position across a restart, so a client that comes back with
 * only the id reads exactly what it had not acknowledged; the memory engine forgets them.
 */
class SessionRestartTest {
  @TempDir Path dataDir;

  /** Runs {@code steps} against a server started with {@code engine}, stopping it afterwards. */
  private static <T> T withServer(UnaryOperator<Settings> engine, Function<Api, T> steps) {
    SwitchboardServer server = ServerFixture.start(engine);
    try {
      return steps.apply(new Api(server.port()));
    } finally {
      server.stop();
    }
  }

  private UnaryOperator<Settings> embedded() {
    return settings -> settings.withEngine("embedded", dataDir);
  }

  /** Named, not left to the test defaults, so this stays about the memory engine whatever they choose. */
  private static UnaryOperator<Settings> memory() {
    return settings -> settings.withEngine("memory", settings.dataDir());
  }

  /** What the first life of a session left behind. */
  private record BeforeRestart(String id, String acknowledged, List<String> unacknowledged) {}

  @Test
  void embeddedEngineKeepsASessionAndItsAcknowledgedPositionAcrossRestarts() {
    String orders = uniqueChannel("orders");
    String chat = uniqueChannel("chat");

    BeforeRestart before = withServer(embedded(), api -> {
      SessionClient sessions = new SessionClient(api);
      String id = sessions.createdId(orders, chat + ".*");
      api.publishedId(orders, "handled-0");
      api.publishedId(chat + ".lobby", "handled-1");
      String acknowledged = sessions.page(id, "limit=2").path("next").asText();
      sessions.acked(id, acknowledged);
      List<String> pending = List.of(api.publishedId(orders, "pending-0"), api.publishedId(chat + ".news", "pending-1"));
      assertThat(ids(sessions.page(id, ""))).containsExactlyInAnyOrderElementsOf(pending);
      return new BeforeRestart(id, acknowledged, pending);
    });

    String afterSecondLife = withServer(embedded(), api -> {
      SessionClient sessions = new SessionClient(api);
      JsonNode session = sessions.describe(before.id()).expectJson(200);
      assertThat(session.path("channels")).extracting(JsonNode::asText).containsExactly(orders, chat + ".*");
      assertThat(session.path("cursor").asText()).isEqualTo(before.acknowledged());

      String fresh = api.publishedId(chat + ".new-channel", "after the restart");
      JsonNode page = sessions.page(before.id(), "");
      List<String> expected = new ArrayList<>(before.unacknowledged());
      expected.add(fresh);
      assertThat(ids(page)).as("exactly the unacknowledged messages, then the new one").containsExactlyInAnyOrderElementsOf(expected);
      assertThat(page.path("truncated").asBoolean(true)).as("positions from before the restart still hold: %s", page).isFalse();
      assertThat(ids(sessions.page(before.id(), ""))).as("still at least once").containsExactlyInAnyOrderElementsOf(expected);

      JsonNode firstOnly = sessions.page(before.id(), "limit=1");
      String next = firstOnly.path("next").asText();
      sessions.acked(before.id(), next);
      JsonNode rest = sessions.page(before.id(), "");
      assertThat(ids(rest)).hasSize(2).doesNotContainAnyElementsOf(ids(firstOnly));
      JsonNode acknowledgedOnRead = sessions.page(before.id(), "ack=" + Api.encode(rest.path("next").asText()));
      assertThat(acknowledgedOnRead.path("messages")).isEmpty();
      assertThat(sessions.page(before.id(), "").path("messages")).as("everything acknowledged").isEmpty();
      return sessions.acknowledged(before.id());
    });

    withServer(embedded(), api -> {
      SessionClient sessions = new SessionClient(api);
      assertThat(sessions.acknowledged(before.id())).as("an acknowledgement after a restart is kept too").isEqualTo(afterSecondLife);
      assertThat(sessions.page(before.id(), "").path("messages")).isEmpty();
      String third = api.publishedId(orders, "third life");
      assertThat(ids(sessions.page(before.id(), ""))).containsExactly(third);
      return null;
    });
  }

  @Test
  void embeddedEngineKeepsAStreamsPositionAcrossARestart() {
    String channel = uniqueChannel("streamed");
    String[] state = new String[2];
    withServer(embedded(), api -> {
      String id = new SessionClient(api).createdId(channel);
      api.publishedId(channel, "seen");
      try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
        state[1] = stream.awaitMessages(1, Duration.ofSeconds(5)).get(0).lastEventId();
      }
      state[0] = id;
      return null;
    });

    withServer(embedded(), api -> {
      String missed = api.publishedId(channel, "published after the restart");
      try (EventStreamClient resumed = EventStreamClient.open(api.port(), SessionClient.messagesPath(state[0]), "Last-Event-ID", state[1]).expectStream()) {
        List<SseEvent> events = resumed.awaitMessages(1, Duration.ofSeconds(5));
        assertThat(events).extracting(event -> event.json().path("id").asText()).containsExactly(missed);
      }
      assertThat(new SessionClient(api).acknowledged(state[0])).isEqualTo(state[1]);
      return null;
    });
  }

  @Test
  void deletedSessionStaysDeletedAfterARestart() {
    String id = withServer(embedded(), api -> {
      SessionClient sessions = new SessionClient(api);
      String created = sessions.createdId(uniqueChannel("deleted"));
      sessions.delete(created).expect(204);
      return created;
    });

    withServer(embedded(), api -> {
      new SessionClient(api).describe(id).expectProblem(404);
      return null;
    });
  }

  @Test
  void memoryEngineForgetsSessionsInARestart() {
    String channel = uniqueChannel("volatile");
    String id = withServer(memory(), api -> {
      SessionClient sessions = new SessionClient(api);
      String created = sessions.createdId(channel);
      api.publishedId(channel, "lost with the process");
      sessions.describe(created).expect(200);
      return created;
    });

    withServer(memory(), api -> {
      SessionClient sessions = new SessionClient(api);
      sessions.describe(id).expectProblem(404);
      sessions.read(id, "").expectProblem(404);
      return null;
    });
  }
}

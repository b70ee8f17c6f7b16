package io.switchboard.server.sessions;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session unused for {@code sessions.idle-timeout} is gone: every session URL answers 404. Any use
 * postpones that (a read, an acknowledgement, a look at the session, an open event stream).
 *
 * <p>The server runs on the system clock, so these tests wait for real time to pass: with a 2 s
 * idle timeout they take a few seconds. Each keep-alive test has an unused twin created at the same
 * moment as the control: when the twin has expired, enough time has passed for the kept one to
 * have expired too, had nothing kept it.
 */
class SessionExpiryTest {
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  /** Longer than any wait here, short enough to fail fast when expiry never comes. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withSessionIdleTimeout(IDLE_TIMEOUT));

  private final Api api = server.api();
  private final SessionClient sessions = new SessionClient(api);

  /** Waits, without using the session, until its announced expiry has passed. */
  private static void awaitPast(long expiresMillis) {
    await("the clock passes " + expiresMillis).atMost(BOUND).pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() > expiresMillis);
  }

  @Test
  void sessionUnusedForTheIdleTimeoutIsGoneFromEverySessionUrl() {
    String channel = uniqueChannel("expiring");
    JsonNode session = sessions.created(channel);
    String id = session.path("id").asText();
    String cursor = session.path("cursor").asText();
    assertThat(session.path("expires").asLong()).isEqualTo(session.path("created").asLong() + IDLE_TIMEOUT.toMillis());

    awaitPast(session.path("expires").asLong());

    sessions.describe(id).expectProblem(404);
    sessions.read(id, "").expectProblem(404);
    sessions.read(id, "wait=1").expectProblem(404);
    api.get(SessionClient.messagesPath(id), "Accept", "text/event-stream").expectProblem(404);
    sessions.ack(id, cursor).expectProblem(404);
    sessions.delete(id).expectProblem(404);
  }

  @Test
  void eachKindOfUseAloneKeepsASessionAlivePastTheIdleTimeout() {
    String channel = uniqueChannel("kept");
    JsonNode twin = sessions.created(channel);
    String read = sessions.createdId(channel);
    JsonNode acknowledged = sessions.created(channel);
    String acked = acknowledged.path("id").asText();
    String cursor = acknowledged.path("cursor").asText();
    String described = sessions.createdId(channel);

    long wellAfterTwinExpired = twin.path("expires").asLong() + IDLE_TIMEOUT.toMillis() / 2;
    await("the unused twin expires while the others are used").atMost(BOUND).pollInterval(Duration.ofMillis(300))
        .until(() -> {
          sessions.page(read, "");
          sessions.acked(acked, cursor);
          sessions.describe(described).expect(200);
          return System.currentTimeMillis() > wellAfterTwinExpired;
        });

    sessions.describe(twin.path("id").asText()).expectProblem(404);
    for (String kept : List.of(read, acked, described)) {
      JsonNode session = sessions.describe(kept).expectJson(200);
      assertThat(session.path("expires").asLong()).as("a use moves the expiry").isGreaterThan(twin.path("expires").asLong());
    }
  }

  @Test
  void openEventStreamKeepsItsSessionAlive() {
    String channel = uniqueChannel("streaming");
    JsonNode twin = sessions.created(channel);
    String id = sessions.createdId(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      // Two idle timeouts with no use but the open stream.
      awaitPast(twin.path("expires").asLong() + IDLE_TIMEOUT.toMillis());
      String live = api.publishedId(channel, "still streaming");
      assertThat(stream.awaitMessages(1, Duration.ofSeconds(5)).get(0).json().path("id").asText()).isEqualTo(live);
    }

    sessions.describe(twin.path("id").asText()).expectProblem(404);
    sessions.describe(id).expect(200);
  }

  @Test
  void expiredSessionIsNotBroughtBackByAnAcknowledgement() {
    String channel = uniqueChannel("no-resurrection");
    JsonNode session = sessions.created(channel);
    String id = session.path("id").asText();
    api.publishedId(channel, "m");
    String next = sessions.page(id, "").path("next").asText();
    JsonNode used = sessions.describe(id).expectJson(200);

    awaitPast(used.path("expires").asLong());

    sessions.ack(id, next).expectProblem(404);
    sessions.read(id, "ack=" + Api.encode(next)).expectProblem(404);
    sessions.describe(id).expectProblem(404);
  }
}

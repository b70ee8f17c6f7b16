package io.switchboard.server.sessions;

import static io.switchboard.server.sessions.SessionClient.data;
import static io.switchboard.server.sessions.SessionClient.ids;
import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/sessions/{id}/messages?wait=N}: held while the session has nothing unacknowledged,
 * answered as soon as a message arrives, empty when the wait ends; a held request or an answer the
 * client never read acknowledges nothing.
 */
class SessionLongPollTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final SessionClient sessions = new SessionClient(api);

  /** When a held reply arrived, by the test's monotonic clock. */
  private record Timed(Reply reply, long arrivedNanos) {}

  @Test
  void waitAnswersWithinMillisOfAPublish() throws Exception {
    String channel = uniqueChannel("prompt");
    String id = sessions.createdId(channel);
    CompletableFuture<Timed> held = sessions.readAsync(id, "wait=20").thenApply(reply -> new Timed(reply, System.nanoTime()));
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("held while there is nothing to read").isNotDone();

    long publishedNanos = System.nanoTime();
    String fresh = api.publishedId(channel, "news");
    Timed answer = held.get(5, TimeUnit.SECONDS);

    assertThat(TimeUnit.NANOSECONDS.toMillis(answer.arrivedNanos() - publishedNanos)).as("answered promptly after the publish").isLessThan(2_000);
    JsonNode page = answer.reply().expectJson(200);
    assertThat(ids(page)).containsExactly(fresh);
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    api.awaitSubscribers(channel, "long-poll", 0);
  }

  @Test
  void waitEndsWithAnEmptyPageThatKeepsThePosition() throws Exception {
    String channel = uniqueChannel("quiet");
    JsonNode session = sessions.created(channel);
    String id = session.path("id").asText();
    long started = System.nanoTime();

    JsonNode page = sessions.readAsync(id, "wait=1").get(5, TimeUnit.SECONDS).expectJson(200);

    long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(heldMillis).as("held for the whole wait").isBetween(950L, 5_000L);
    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isEqualTo(session.path("cursor").asText());
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
  }

  @Test
  void waitAnswersAtOnceWhileMessagesAreUnacknowledged() throws Exception {
    String channel = uniqueChannel("pending");
    String id = sessions.createdId(channel);
    String pending = api.publishedId(channel, "pending");
    sessions.page(id, "");
    long started = System.nanoTime();

    JsonNode page = sessions.readAsync(id, "wait=20").get(5, TimeUnit.SECONDS).expectJson(200);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("not held: there is something to read").isLessThan(2_000);
    assertThat(ids(page)).containsExactly(pending);
  }

  @Test
  void ackOnALongPollAcknowledgesThenWaitsForWhatIsNew() throws Exception {
    String channel = uniqueChannel("ack-wait");
    String id = sessions.createdId(channel);
    api.publishedId(channel, "handled");
    String next = sessions.page(id, "").path("next").asText();

    CompletableFuture<Reply> held = sessions.readAsync(id, "wait=20&ack=" + Api.encode(next));
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("the acknowledged message is not news").isNotDone();
    api.publishedId(channel, "new");

    assertThat(data(held.get(5, TimeUnit.SECONDS).expectJson(200))).containsExactly("new");
    assertThat(sessions.acknowledged(id)).isEqualTo(next);
  }

  @Test
  void answerTheClientNeverReadIsDeliveredAgain() throws Exception {
    String channel = uniqueChannel("lost-answer");
    String id = sessions.createdId(channel);
    String lost;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + SessionClient.messagesPath(id) + "?wait=20 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      api.awaitSubscribers(channel, "long-poll", 1);
      lost = api.publishedId(channel, "answered to a client that died");
      api.awaitSubscribers(channel, "long-poll", 0);
      // The client dies here: the answer is on its socket, unread.
    }

    JsonNode page = sessions.page(id, "");

    assertThat(ids(page)).as("what a client never acknowledged is read again").containsExactly(lost);
  }
}

package io.switchboard.server.http;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same GET with wait=SECONDS: held until news arrives or the wait ends. */
class LongPollTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  /** When a held reply arrived, by the test's monotonic clock. */
  private record Timed(Reply reply, long arrivedNanos) {}

  @Test
  void longPollAnswersWithinMillisOfPublish() throws Exception {
    String channel = uniqueChannel("prompt");
    String last = api.publishedId(channel, "before");
    CompletableFuture<Timed> held = api.readAsync(channel, "after=" + last + "&wait=20")
        .thenApply(reply -> new Timed(reply, System.nanoTime()));
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("held while there is no news").isNotDone();

    long publishedNanos = System.nanoTime();
    String fresh = api.publishedId(channel, "news");
    Timed answer = held.get(5, TimeUnit.SECONDS);

    long latencyMillis = TimeUnit.NANOSECONDS.toMillis(answer.arrivedNanos() - publishedNanos);
    assertThat(answer.arrivedNanos()).as("not answered before the publish").isGreaterThanOrEqualTo(publishedNanos);
    assertThat(latencyMillis).as("answered promptly after the publish").isLessThan(500);
    JsonNode page = answer.reply().expectJson(200);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("news");
    assertThat(page.path("next").asText()).isEqualTo(fresh);
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    api.awaitSubscribers(channel, "long-poll", 0);
  }

  @Test
  void longPollNeverMissesAPublishThatRacesItsStart() throws Exception {
    String channel = uniqueChannel("race");
    String last = api.publishedId(channel, "start");
    for (int round = 0; round < 50; round++) {
      CompletableFuture<Reply> held = api.readAsync(channel, "after=" + last + "&wait=5");
      String fresh = api.publishedId(channel, "m" + round);

      JsonNode page = held.get(3, TimeUnit.SECONDS).expectJson(200);

      assertThat(page.path("messages").findValuesAsText("id")).as("round %d", round).containsExactly(fresh);
      last = fresh;
    }
  }

  @Test
  void longPollWithoutAfterStartsAtNow() throws Exception {
    String channel = uniqueChannel("now");
    api.publish(channel, "old").expect(201);
    CompletableFuture<Reply> held = api.readAsync(channel, "wait=20");
    api.awaitSubscribers(channel, "long-poll", 1);
    assertThat(held).as("an existing message is not news for a poll that starts at now").isNotDone();

    String fresh = api.publishedId(channel, "new");

    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("new");
    assertThat(page.path("next").asText()).isEqualTo(fresh);
  }

  @Test
  void longPollOnAChannelNobodyPublishedToIsAnsweredByTheFirstMessage() throws Exception {
    String channel = uniqueChannel("first");
    CompletableFuture<Reply> held = api.readAsync(channel, "wait=20");
    api.awaitSubscribers(channel, "long-poll", 1);

    api.publish(channel, "first").expect(201);

    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("first");
  }

  @Test
  void longPollWithNewsAlreadyWaitingAnswersAtOnce() throws Exception {
    String channel = uniqueChannel("already");
    String first = api.publishedId(channel, "one");
    api.publish(channel, "two").expect(201);
    api.publish(channel, "three").expect(201);

    long started = System.nanoTime();
    JsonNode page = api.readAsync(channel, "after=" + first + "&wait=20").get(5, TimeUnit.SECONDS).expectJson(200);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("two", "three");
  }

  @Test
  void longestWaitIsAcceptedAndAnswersAtOnceWhenThereIsNews() throws Exception {
    String channel = uniqueChannel("sixty");
    String first = api.publishedId(channel, "one");
    api.publish(channel, "two").expect(201);

    JsonNode page = api.readAsync(channel, "after=" + first + "&wait=60").get(5, TimeUnit.SECONDS).expectJson(200);

    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("two");
  }

  @Test
  void longPollFromEarliestOnAnEmptyChannelIsAnsweredByTheFirstMessage() throws Exception {
    String channel = uniqueChannel("earliest");
    CompletableFuture<Reply> held = api.readAsync(channel, "from=earliest&wait=20");
    api.awaitSubscribers(channel, "long-poll", 1);

    String first = api.publishedId(channel, "first");

    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(page.path("messages").findValuesAsText("id")).containsExactly(first);
  }

  @Test
  void longPollWithNoNewsAnswersEmptyWithTheSameNextWhenTheWaitEnds() throws Exception {
    String channel = uniqueChannel("quiet");
    String last = api.publishedId(channel, "only");

    long started = System.nanoTime();
    JsonNode page = api.readAsync(channel, "after=" + last + "&wait=1").get(5, TimeUnit.SECONDS).expectJson(200);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(tookMillis).as("held for the 1 s wait").isBetween(900L, 3_000L);
    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isEqualTo(last);
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    assertThat(api.subscribers(channel, "long-poll")).isZero();
  }

  @Test
  void longPollWithoutAfterAndNoNewsAnswersWithTheChannelsEnd() throws Exception {
    String channel = uniqueChannel("quiet-now");
    String last = api.publishedId(channel, "only");

    JsonNode page = api.readAsync(channel, "wait=1").get(5, TimeUnit.SECONDS).expectJson(200);

    assertThat(page.path("messages")).isEmpty();
    assertThat(page.path("next").asText()).isEqualTo(last);
  }

  @Test
  void longPollHonoursItsLimit() throws Exception {
    String channel = uniqueChannel("limited");
    String last = api.publishedId(channel, "start");
    CompletableFuture<Reply> held = api.readAsync(channel, "after=" + last + "&wait=20&limit=1");
    api.awaitSubscribers(channel, "long-poll", 1);

    api.publish(channel, "a").expect(201);
    api.publish(channel, "b").expect(201);

    JsonNode page = held.get(5, TimeUnit.SECONDS).expectJson(200);
    assertThat(page.path("messages").findValuesAsText("data")).containsExactly("a");
  }

  @Test
  void clientThatDisconnectsReleasesItsWaiter() throws Exception {
    String channel = uniqueChannel("gone");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + Api.messagesPath(channel) + "?wait=30 HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n"
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      api.awaitSubscribers(channel, "long-poll", 1);
    }

    api.awaitSubscribers(channel, "long-poll", 0);
    api.publish(channel, "after the client left").expect(201);
    api.get("/health/ready").expect(200);
  }

  @Test
  void oneHundredDisconnectingClientsLeaveNoWaiters() throws Exception {
    String channel = uniqueChannel("churn");
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server().port());
        sockets.add(socket);
        socket.getOutputStream().write(("GET " + Api.messagesPath(channel) + "?wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
      }
      api.awaitSubscribers(channel, "long-poll", 100);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }

    api.awaitSubscribers(channel, "long-poll", 0);
  }

  @Test
  void onePublishAnswersTwoHundredConcurrentLongPolls() throws Exception {
    String channel = uniqueChannel("fan-out");
    String last = api.publishedId(channel, "start");
    List<CompletableFuture<Reply>> held = IntStream.range(0, 200)
        .mapToObj(i -> api.readAsync(channel, "after=" + last + "&wait=30"))
        .toList();
    api.awaitSubscribers(channel, "long-poll", 200);
    assertThat(held).noneMatch(CompletableFuture::isDone);

    String fresh = api.publishedId(channel, "for everyone");

    CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Reply> poll : held) {
      JsonNode page = poll.get().expectJson(200);
      assertThat(page.path("messages").findValuesAsText("id")).containsExactly(fresh);
    }
    assertThat(api.subscribers(channel, "long-poll")).isZero();
  }
}

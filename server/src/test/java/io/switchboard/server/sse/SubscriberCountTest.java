package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/channels/{channel}} counts live subscribers per transport, and forgets them when they go. */
class SubscriberCountTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void openEventStreamsAreCountedAsSseAndUncountedWhenClientsDisconnect() {
    String p = uniqueChannel("count");
    String channel = p + ".room";
    api.publishedId(channel, "so the channel exists");
    List<EventStreamClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        streams.add(EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream());
      }
      streams.add(EventStreamClient.open(api.port(), Api.subscribePath(List.of(p + ".*"), "")).expectStream());
      streams.add(EventStreamClient.open(api.port(), Api.subscribePath(List.of(channel, p + ".>"), "")).expectStream());
      streams.add(EventStreamClient.open(api.port(), Api.messagesPath(p + ".elsewhere")).expectStream());

      api.awaitSubscribers(channel, "sse", 5, PROMPTLY);
      JsonNode status = api.get("/v1/channels/" + channel).expectJson(200);
      assertThat(status.path("subscribers").path("long-poll").asInt()).isZero();
      assertThat(api.subscribers(p + ".elsewhere", "sse")).isEqualTo(3);

      streams.remove(0).close();
      api.awaitSubscribers(channel, "sse", 4, PROMPTLY);
    } finally {
      streams.forEach(EventStreamClient::close);
    }
    api.awaitSubscribers(channel, "sse", 0, PROMPTLY);
    assertThat(api.subscribers(p + ".elsewhere", "sse")).isZero();
  }

  @Test
  void channelKnownOnlyThroughAStreamIsDescribedWhileTheStreamIsOpen() {
    String channel = uniqueChannel("only-subscribed");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel))) {
      stream.expectStream();
      api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
      JsonNode status = api.get("/v1/channels/" + channel).expectJson(200);
      assertThat(status.path("retained").asInt()).isZero();
    }
    api.awaitSubscribers(channel, "sse", 0, PROMPTLY);
    api.get("/v1/channels/" + channel).expectProblem(404);
  }

  @Test
  void longPollsWhoseClientsGoAwayAreUncounted() throws Exception {
    String p = uniqueChannel("gone");
    String channel = p + ".a";
    List<Socket> clients = new ArrayList<>();
    try {
      for (String path : List.of(Api.subscribePath(List.of(p + ".*"), "wait=30"), Api.messagesPath(channel) + "?wait=30")) {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), api.port());
        clients.add(client);
        client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
      }
      api.awaitSubscribers(channel, "long-poll", 2, PROMPTLY);
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }

    api.awaitSubscribers(channel, "long-poll", 0, PROMPTLY);
  }

  @Test
  void heldSubscribeLongPollsAreCountedAsLongPoll() throws Exception {
    String p = uniqueChannel("count-long");
    String channel = p + ".a";
    CompletableFuture<Reply> subscribePoll = api.getAsync(Api.subscribePath(List.of(p + ".*"), "wait=30"));
    CompletableFuture<Reply> channelPoll = api.getAsync(Api.messagesPath(channel) + "?wait=30");

    api.awaitSubscribers(channel, "long-poll", 2, PROMPTLY);
    assertThat(api.subscribers(channel, "sse")).isZero();

    api.publishedId(channel, "news");
    subscribePoll.get(5, TimeUnit.SECONDS).expect(200);
    channelPoll.get(5, TimeUnit.SECONDS).expect(200);
    api.awaitSubscribers(channel, "long-poll", 0, PROMPTLY);
  }
}

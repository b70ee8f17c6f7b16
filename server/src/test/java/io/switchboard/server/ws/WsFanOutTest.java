package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.field;
import static io.switchboard.server.testing.WsClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One publish, over HTTP or WebSocket, reaches every subscriber of every transport, in channel order, once. */
class WsFanOutTest {
  private static final int SUBSCRIBERS = 100;
  private static final int PUBLISHERS = 4;
  private static final int MESSAGES = 250;

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final List<WsClient> clients = new ArrayList<>();
  private final ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);

  @AfterEach
  void disconnect() {
    publishers.shutdownNow();
    clients.forEach(WsClient::close);
  }

  @Test
  void concurrentPublishesOverBothTransportsReachEveryWebSocketSubscriberInOrderOnce() throws Exception {
    String channel = uniqueChannel("fan-out");
    List<CompletableFuture<WsClient>> connecting = IntStream.range(0, SUBSCRIBERS)
        .mapToObj(i -> WsClient.connectAsync(server.server().port())).toList();
    List<WsClient> subscribers = connecting.stream().map(CompletableFuture::join).toList();
    clients.addAll(subscribers);
    subscribers.forEach(subscriber -> subscriber.subscribe(channel));
    assertThat(api.subscribers(channel, "ws")).isEqualTo(SUBSCRIBERS);

    List<CompletableFuture<Void>> publishing = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      int publisher = p;
      publishing.add(CompletableFuture.runAsync(() -> publish(channel, dataOf(publisher), publisher % 2 == 0), publishers));
    }
    CompletableFuture.allOf(publishing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    List<JsonNode> stored = api.readAll(channel);
    assertThat(stored).hasSize(MESSAGES);
    List<String> storedIds = field(stored, "id");
    for (int p = 0; p < PUBLISHERS; p++) {
      String prefix = "p" + p + "-";
      assertThat(field(stored, "data").stream().filter(data -> data.startsWith(prefix)).toList())
          .as("publisher %s's messages are stored in the order it published them", p)
          .containsExactlyElementsOf(dataOf(p));
    }
    for (WsClient subscriber : subscribers) {
      List<JsonNode> received = subscriber.messages(MESSAGES, Duration.ofSeconds(20));
      assertThat(field(received, "id")).as("ids in channel order, each once").containsExactlyElementsOf(storedIds);
      assertThat(field(received, "data")).containsExactlyElementsOf(field(stored, "data"));
    }
    for (WsClient subscriber : subscribers) {
      assertThat(subscriber.drainUnread()).as("nothing after the last message").isEmpty();
    }
  }

  @Test
  void webSocketPublishReachesAnHttpLongPoller() throws Exception {
    String channel = uniqueChannel("to-long-poll");
    String end = api.get("/v1/channels/" + channel + "/messages").expect(200).json().path("next").asText();
    CompletableFuture<Reply> poll = api.getAsync("/v1/channels/" + channel + "/messages?after=" + end + "&wait=30");
    await("the long poll is held").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> api.subscribers(channel, "long-poll") == 1);
    WsClient publisher = WsClient.connect(server.server().port());
    clients.add(publisher);

    String id = publisher.publish(channel, "from a socket");

    JsonNode page = poll.get(5, TimeUnit.SECONDS).expect(200).json();
    assertThat(field(List.of(page.path("messages").get(0)), "id")).containsExactly(id);
    assertThat(page.path("messages").get(0).path("data").asText()).isEqualTo("from a socket");
    assertThat(page.path("next").asText()).isEqualTo(id);
  }

  @Test
  void httpPublishReachesWebSocketAndLongPollSubscribersAlike() throws Exception {
    String channel = uniqueChannel("both-ways");
    WsClient subscriber = WsClient.connect(server.server().port());
    clients.add(subscriber);
    subscriber.subscribe(channel);
    String end = api.get("/v1/channels/" + channel + "/messages").expect(200).json().path("next").asText();
    CompletableFuture<Reply> poll = api.getAsync("/v1/channels/" + channel + "/messages?after=" + end + "&wait=30");
    await("the long poll is held").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> api.subscribers(channel, "long-poll") == 1);

    String id = api.publishedId(channel, "to everyone");

    assertThat(field(subscriber.messages(1), "id")).containsExactly(id);
    JsonNode page = poll.get(5, TimeUnit.SECONDS).expect(200).json();
    assertThat(page.path("messages").get(0).path("id").asText()).isEqualTo(id);
  }

  /** What publisher {@code p} publishes: every {@value #PUBLISHERS}th of the messages. */
  private static List<String> dataOf(int p) {
    return IntStream.range(0, MESSAGES).filter(i -> i % PUBLISHERS == p).mapToObj(i -> "p" + p + "-" + i).toList();
  }

  private void publish(String channel, List<String> data, boolean overWebSocket) {
    if (!overWebSocket) {
      data.forEach(text -> api.publishedId(channel, text));
      return;
    }
    try (WsClient publisher = WsClient.connect(server.server().port())) {
      for (String text : data) {
        publisher.send(frame("op", "publish", "channel", channel, "data", text, "ref", text));
      }
      data.forEach(publisher::ack);
    }
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/channels/{channel}} counts live WebSocket subscribers, and forgets them when they go. */
class WsSubscriberCountTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void disconnect() {
    clients.forEach(WsClient::close);
  }

  private WsClient connect() {
    WsClient client = WsClient.connect(server.server().port());
    clients.add(client);
    return client;
  }

  @Test
  void channelShowsItsWebSocketSubscribersWhileTheyAreConnected() {
    String base = uniqueChannel("counted");
    String channel = base + ".1";
    api.publishedId(channel, "exists");
    WsClient exact = connect();
    WsClient pattern = connect();
    WsClient deep = connect();

    exact.subscribe(channel);
    pattern.subscribe(base + ".*");
    deep.subscribe(base + ".>");

    assertThat(api.subscribers(channel, "ws")).isEqualTo(3);
    assertThat(api.subscribers(base + ".2", "ws")).as("only the patterns match another channel").isEqualTo(2);
  }

  @Test
  void countDropsWhenConnectionsCloseAbortOrUnsubscribe() {
    String channel = uniqueChannel("dropping");
    api.publishedId(channel, "exists");
    WsClient polite = connect();
    WsClient vanishing = connect();
    WsClient unsubscribing = connect();
    List.of(polite, vanishing, unsubscribing).forEach(client -> client.subscribe(channel));
    assertThat(api.subscribers(channel, "ws")).isEqualTo(3);

    polite.close();
    awaitSubscribers(channel, 2);
    vanishing.abort();
    awaitSubscribers(channel, 1);
    unsubscribing.unsubscribe(channel);
    assertThat(api.subscribers(channel, "ws")).as("an acknowledged unsubscribe is counted at once").isZero();
  }

  @Test
  void channelWithOnlyWebSocketSubscribersIsDescribed() {
    String channel = uniqueChannel("no-messages-yet");
    WsClient subscriber = connect();

    subscriber.subscribe(channel);

    assertThat(api.get("/v1/channels/" + channel).status()).isEqualTo(200);
    assertThat(api.subscribers(channel, "ws")).isEqualTo(1);
    subscriber.close();
    await("the channel is forgotten").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> api.get("/v1/channels/" + channel).status() == 404);
  }

  @Test
  void connectionWithoutSubscriptionsCountsForNoChannel() {
    String channel = uniqueChannel("idle");
    api.publishedId(channel, "exists");
    WsClient idle = connect();

    idle.assertStillUsable();

    assertThat(api.subscribers(channel, "ws")).isZero();
  }

  private void awaitSubscribers(String channel, int count) {
    await("server counts " + count + " WebSocket subscribers on " + channel)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> api.subscribers(channel, "ws") == count);
  }
}

package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A graceful shutdown closes WebSockets with 1001 and a reason telling clients how to resume. */
class WsShutdownTest {
  private final SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
  private final Api api = new Api(server.port());

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void subscribersAreClosedWith1001WhenTheServerStops() throws Exception {
    String channel = uniqueChannel("shutdown");
    WsClient onChannel = WsClient.connect(server.port());
    WsClient onPattern = WsClient.connect(server.port());
    onChannel.subscribe(channel);
    onPattern.subscribe(channel + ".*");
    api.publishedId(channel, "before");
    onChannel.messages(1);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);

    for (WsClient client : List.of(onChannel, onPattern)) {
      WsClient.Closure closure = client.awaitClosure(Duration.ofSeconds(5));
      assertThat(closure.code()).as("close: %s", closure).isEqualTo(1001);
      assertThat(closure.reason()).as("close reason").isNotBlank();
    }
    stopping.get(20, TimeUnit.SECONDS);
  }

  /** docs/api.md: "On shutdown connections are closed with 1001", not only those with a subscription. */
  @Test
  void connectionsWithoutSubscriptionsAreClosedWith1001Too() throws Exception {
    WsClient publisherOnly = WsClient.connect(server.port());
    publisherOnly.publish(uniqueChannel("publisher"), "x");

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);

    WsClient.Closure closure = publisherOnly.awaitClosure(Duration.ofSeconds(5));
    assertThat(closure.code()).as("close: %s", closure).isEqualTo(1001);
    stopping.get(20, TimeUnit.SECONDS);
  }
}

package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** limits.subscriptions-per-connection on the WebSocket: one too many gets 429; unsubscribing makes room. */
class SubscriptionLimitTest {
  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withLimits(settings.limits().withSubscriptionsPerConnection(2)));

  @Test
  void theSubscriptionOverTheLimitIsRefusedUntilOneEnds() {
    String prefix = ServerFixture.uniqueChannel("subs");
    try (WsClient client = WsClient.connect(server.api().port())) {
      client.subscribe(prefix + ".a");
      client.subscribe(prefix + ".b");
      client.send(WsClient.frame("op", "subscribe", "channel", prefix + ".c", "ref", "third"));
      JsonNode refused = client.take("the refusal", frame -> "third".equals(frame.path("ref").asText()));

      assertThat(refused.path("status").asInt()).isEqualTo(429);
      assertThat(refused.path("detail").asText()).contains("limits.subscriptions-per-connection");

      client.unsubscribe(prefix + ".a");
      client.subscribe(prefix + ".c");
    }
  }
}

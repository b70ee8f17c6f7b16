package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.Tokens;
import io.switchboard.server.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** limits.publish-rate: per token subject (or address), over HTTP and WebSocket alike, with 429 and Retry-After, and it recovers. */
class PublishRateLimitTest {
  private static final int RATE = 5;
  private static final String SECRET = "a-rate-test-secret-of-32-bytes-or-more";

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings
      .withAuth(settings.auth().withSecret(SECRET))
      .withLimits(settings.limits().withPublishRate(RATE)));

  private static Api as(String subject) {
    return server.api().as("Bearer " + Tokens.forSubject(subject).publish(">").hs256(SECRET));
  }

  /** Sends {@code count} publishes at once, so they arrive well within one refill, and returns the answers. */
  private static List<Reply> burst(Api api, String channel, int count) {
    List<CompletableFuture<Reply>> sent = IntStream.range(0, count)
        .mapToObj(i -> api.sendAsync("POST", Api.messagesPath(channel), ("m" + i).getBytes(StandardCharsets.UTF_8)))
        .toList();
    return sent.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void theRateHoldsPerSubjectAndRecovers() throws Exception {
    String channel = ServerFixture.uniqueChannel("rate");
    Api alice = as("alice-" + channel);
    Api bob = as("bob-" + channel);

    List<Reply> answers = burst(alice, channel, 3 * RATE);

    List<Reply> refused = answers.stream().filter(reply -> reply.status() == 429).toList();
    // A refill of one publish per 200 ms may let one or two more through while the burst arrives.
    assertThat(answers).filteredOn(reply -> reply.status() == 201).hasSizeBetween(RATE, RATE + 2);
    assertThat(refused).hasSize(answers.size() - (int) answers.stream().filter(reply -> reply.status() == 201).count());
    assertThat(refused.get(0).expectProblem(429)).contains("limits.publish-rate");
    assertThat(refused.get(0).header("retry-after")).isEqualTo("1");
    bob.publish(channel, "bob is counted apart").expect(201);

    Thread.sleep(1_100);
    alice.publish(channel, "after a second").expect(201);
  }

  @Test
  void webSocketPublishesCountToo() throws Exception {
    String channel = ServerFixture.uniqueChannel("wsrate");
    String token = Tokens.forSubject("ws-" + channel).publish(">").hs256(SECRET);
    try (WsClient client = WsClient.connectAsync(server.api().port(), "/v1/ws", "Authorization", "Bearer " + token).get(10, TimeUnit.SECONDS)) {
      for (int i = 0; i < 3 * RATE; i++) {
        client.send(WsClient.frame("op", "publish", "channel", channel, "data", "m" + i, "ref", "p" + i));
      }
      List<JsonNode> answers = IntStream.range(0, 3 * RATE)
          .mapToObj(i -> client.take("the answer to p" + i, frame -> ("p" + i).equals(frame.path("ref").asText())))
          .toList();

      List<JsonNode> refused = answers.stream().filter(answer -> answer.path("op").asText().equals("error")).toList();
      assertThat(answers.size() - refused.size()).isBetween(RATE, RATE + 2);
      assertThat(refused).allSatisfy(answer -> {
        assertThat(answer.path("status").asInt()).isEqualTo(429);
        assertThat(answer.path("detail").asText()).contains("retry in");
      });
    }
  }
}

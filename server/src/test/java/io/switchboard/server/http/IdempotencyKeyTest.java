package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A retried publish with the same Idempotency-Key stores once and answers with the first id. */
class IdempotencyKeyTest {
  private static final String KEY = "Idempotency-Key";

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void retriedPublishReturnsTheFirstIdAndStoresOnce() {
    String channel = uniqueChannel("retry");
    Reply first = api.publish(channel, "created", KEY, "order-42-created");
    Reply retried = api.publish(channel, "created", KEY, "order-42-created");

    JsonNode original = first.expectJson(201);
    JsonNode replayed = retried.expectJson(201);
    assertThat(first.header("Idempotent-Replayed")).as("a first publish is not a replay").isNull();
    assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replayed.path("id").asText()).isEqualTo(original.path("id").asText());
    assertThat(replayed.path("time").asLong()).isEqualTo(original.path("time").asLong());
    assertThat(api.readAll(channel)).hasSize(1);
  }

  @Test
  void sameKeyOnAnotherChannelIsAnotherMessage() {
    String one = uniqueChannel("keyed");
    String other = uniqueChannel("keyed");
    api.publish(one, "x", KEY, "shared-key").expect(201);

    Reply elsewhere = api.publish(other, "x", KEY, "shared-key").expect(201);

    assertThat(elsewhere.header("Idempotent-Replayed")).isNull();
    assertThat(api.readAll(other)).hasSize(1);
  }

  @Test
  void reusingAKeyForADifferentBodyIsRefusedWith422() {
    String channel = uniqueChannel("conflict");
    api.publish(channel, "created", KEY, "k1").expect(201);

    String detail = api.publish(channel, "something else", KEY, "k1").expectProblem(422);

    assertThat(detail).contains("k1");
    assertThat(api.readAll(channel).stream().map(message -> message.path("data").asText())).containsExactly("created");
  }

  @Test
  void reusingAKeyForADifferentEventIsRefusedWith422() {
    String channel = uniqueChannel("conflict-event");
    byte[] body = "created".getBytes(StandardCharsets.UTF_8);
    api.publish(channel, "event=created", body, KEY, "k2").expect(201);

    api.publish(channel, "event=updated", body, KEY, "k2").expectProblem(422);

    assertThat(api.readAll(channel)).hasSize(1);
  }

  @ParameterizedTest(name = "key of {0} characters")
  @ValueSource(ints = {256, 300})
  void overlongKeyIsRefusedWith400AndNothingIsStored(int length) {
    String channel = uniqueChannel("long-key");

    String detail = api.publish(channel, "x", KEY, "k".repeat(length)).expectProblem(400);

    assertThat(detail).contains("Idempotency-Key");
    assertThat(api.get("/v1/channels/" + channel).status()).isEqualTo(404);
  }

  @Test
  void keyWithASpaceIsRefusedWith400() {
    String channel = uniqueChannel("space-key");

    api.publish(channel, "x", KEY, "two words").expectProblem(400);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void keyOf255PrintableCharactersIsAccepted() {
    String channel = uniqueChannel("max-key");
    String key = "k".repeat(254) + "~";

    String first = api.publish(channel, "x", KEY, key).expectJson(201).path("id").asText();
    Reply retried = api.publish(channel, "x", KEY, key).expect(201);

    assertThat(retried.json().path("id").asText()).isEqualTo(first);
    assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
  }
}

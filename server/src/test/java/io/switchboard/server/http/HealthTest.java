package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Liveness and readiness for operators and orchestrators. */
class HealthTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void liveAnswers200WithStatusLive() {
    assertThat(api.get("/health/live").expectJson(200).path("status").asText()).isEqualTo("live");
  }

  @Test
  void readyAnswers200WithStatusReady() {
    assertThat(api.get("/health/ready").expectJson(200).path("status").asText()).isEqualTo("ready");
  }
}

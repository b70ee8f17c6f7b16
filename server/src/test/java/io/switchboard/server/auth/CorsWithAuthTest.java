package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A browser on an allowed origin can read why it was refused: 401s carry the CORS headers, and preflights need no token. */
class CorsWithAuthTest {
  private static final String ORIGIN = "https://app.example.com";

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings
      .withAuth(settings.auth().withSecret(AuthMatrixTest.SECRET))
      .withCorsOrigins(List.of(ORIGIN)));

  @Test
  void aRefusalCarriesTheCorsHeaders() {
    Reply missing = server.api().read(ServerFixture.uniqueChannel("cors-auth"), "", "Origin", ORIGIN);
    Reply garbage = server.api().read(ServerFixture.uniqueChannel("cors-auth"), "", "Origin", ORIGIN, "Authorization", "Bearer nope");

    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(garbage.status()).isEqualTo(401);
    assertThat(garbage.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
  }

  @Test
  void aPreflightNeedsNoToken() {
    Reply preflight = server.api().send("OPTIONS", Api.messagesPath("orders.1"), null,
        "Origin", ORIGIN, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "Authorization");

    assertThat(preflight.status()).isBetween(200, 204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("Authorization");
  }
}

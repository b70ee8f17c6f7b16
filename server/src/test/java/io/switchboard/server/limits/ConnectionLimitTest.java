package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** limits.connections-per-address: one connection too many is answered 429 and closed; closing one makes room again. */
class ConnectionLimitTest {
  private static final int PER_ADDRESS = 3;
  private static final String PROBE = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withLimits(settings.limits().withConnections(0, PER_ADDRESS)));

  @Test
  void theConnectionOverTheLimitIsRefusedAndTheLimitRecovers() throws Exception {
    int port = server.api().port();
    List<RawHttp.Connection> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        RawHttp.Connection connection = RawHttp.connect(port);
        held.add(connection);
        assertThat(connection.send(PROBE).reply().status()).isEqualTo(200);
      }
      try (RawHttp.Connection extra = RawHttp.connect(port)) {
        Reply refused = extra.send(PROBE).reply();

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        assertThat(refused.text()).contains("limits.connections-per-address");
        assertThat(extra.closedByServerWithin(Duration.ofSeconds(5))).isTrue();
      }

      held.remove(0).close();

      // The server learns of the close a moment later; until then a new connection is still one too many.
      await("a connection is accepted again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
        try (RawHttp.Connection again = RawHttp.connect(port)) {
          return again.send(PROBE).reply().status() == 200;
        }
      });
    } finally {
      for (RawHttp.Connection connection : held) {
        connection.close();
      }
    }
  }
}

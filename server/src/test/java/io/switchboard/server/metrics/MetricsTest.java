package io.switchboard.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics: the Prometheus text format, with the server's meters moving as the server is used. */
class MetricsTest {
  @RegisterExtension
  static final ServerFixture server = ServerFixture.withDefaults();

  private static String scrape() {
    Reply reply = server.api().get("/metrics").expect(200);
    assertThat(reply.header("content-type")).startsWith("text/plain; version=0.0.4");
    return reply.text();
  }

  private static double value(String scrape, String series) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(line.find()).as("series %s in:%n%s", series, scrape).isTrue();
    return Double.parseDouble(line.group(1));
  }

  @Test
  void publishesAreCounted() {
    double before = value(scrape(), "switchboard_messages_published_total");

    server.api().publish(ServerFixture.uniqueChannel("metrics"), "one").expect(201);
    server.api().publish(ServerFixture.uniqueChannel("metrics"), "two").expect(201);

    await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "switchboard_messages_published_total") >= before + 2);
  }

  @Test
  void liveSubscriptionsAreCountedByTransport() {
    String channel = ServerFixture.uniqueChannel("metrics-sse");
    double before = value(scrape(), "switchboard_subscriptions{transport=\"sse\"}");
    try (EventStreamClient stream = EventStreamClient.open(server.api().port(), Api.messagesPath(channel))) {
      stream.expectStream();

      assertThat(value(scrape(), "switchboard_subscriptions{transport=\"sse\"}")).isEqualTo(before + 1);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "switchboard_subscriptions{transport=\"sse\"}") == before);
  }

  @Test
  void answersAreCountedByStatusAndConnectionsAreGauged() {
    server.api().get("/no/such/path").expect(404);

    String scrape = scrape();

    assertThat(value(scrape, "switchboard_http_responses_total{status=\"404\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(scrape, "switchboard_connections")).isGreaterThanOrEqualTo(1);
    assertThat(scrape).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
  }

  /** A Micrometer gauge holds what it reads weakly: the connection count read NaN once a collection had run. */
  @Test
  void theConnectionGaugeStillReadsAfterAGarbageCollection() {
    System.gc();

    assertThat(value(scrape(), "switchboard_connections")).isGreaterThanOrEqualTo(1);
  }
}

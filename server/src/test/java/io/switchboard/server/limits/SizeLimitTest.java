package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** limits.url-size and limits.header-size as configured: one byte class over is refused with 414 or 431, under passes. */
class SizeLimitTest {
  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withLimits(settings.limits().withSizes(1024, 2048)));

  @Test
  void aUrlOverTheLimitIs414AndOneUnderItPasses() {
    assertThat(server.api().get("/health/live?pad=" + "u".repeat(1_100)).expectProblem(414)).contains("request line");
    server.api().get("/health/live?pad=" + "u".repeat(900)).expect(200);
  }

  @Test
  void headersOverTheLimitAre431AndUnderItPass() {
    assertThat(server.api().get("/health/live", "X-Padding", "h".repeat(2_100)).expectProblem(431)).contains("headers");
    server.api().get("/health/live", "X-Padding", "h".repeat(1_500)).expect(200);
  }
}

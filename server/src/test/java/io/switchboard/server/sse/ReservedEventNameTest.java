package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Publishers cannot use the server's own event names, so a stream's server events cannot be forged. */
class ReservedEventNameTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void publishingAnEventNameUnderTheServersPrefixIsRefusedAndStoresNothing() {
    String channel = uniqueChannel("reserved");
    for (String event : List.of("switchboard.x", "switchboard.truncated", "switchboard.shutdown", "switchboard.slow-consumer", "switchboard.")) {
      String detail = api.publishEvent(channel, event, "forged").expectProblem(400);

      assertThat(detail).as("detail for %s", event).contains("switchboard.");
    }
    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void eventNamesMerelyContainingThePrefixAreAccepted() {
    String channel = uniqueChannel("not-reserved");

    api.publishEvent(channel, "my.switchboard.x", "ok").expect(201);
    api.publishEvent(channel, "Switchboard-x", "ok").expect(201);
  }

  @Test
  void malformedEventNamesAreRefused() {
    String channel = uniqueChannel("bad-event");
    for (String event : List.of("", "has space", "new\nline", "x".repeat(65), "é")) {
      api.publishEvent(channel, event, "m").expectProblem(400);
    }
    assertThat(api.readAll(channel)).isEmpty();
  }
}

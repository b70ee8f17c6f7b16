package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's event-stream decoder: events split anywhere across chunks, every line ending, the line limit. */
class EventStreamDecoderTest {
  private final List<EventStreamDecoder.Event> events = new ArrayList<>();

  @Test
  void eventsCutIntoChunksAtEveryByteComeOutWhole() {
    byte[] stream = (": heartbeat\r\nid: 1\r\ndata: naïve 日本 🎉\r\n\r\n"
        + "event: switchboard.slow-consumer\rdata: one\rdata: two\r\r"
        + "retry: 1000\ndata:no space\n\n").getBytes(StandardCharsets.UTF_8);
    EventStreamDecoder decoder = new EventStreamDecoder(1024, events::add);

    for (byte b : stream) {
      assertThat(decoder.feed(Buffer.buffer(new byte[] {b}))).isTrue();
    }

    assertThat(events).containsExactly(
        new EventStreamDecoder.Event("", "naïve 日本 🎉"),
        new EventStreamDecoder.Event("switchboard.slow-consumer", "one\ntwo"),
        new EventStreamDecoder.Event("", "no space"));
  }

  @Test
  void linesLongerThanTheStartingBufferGrowItUpToTheLimit() {
    String data = "x".repeat(5_000);
    EventStreamDecoder decoder = new EventStreamDecoder(6 + data.length(), events::add);

    assertThat(decoder.feed(Buffer.buffer("data: " + data + "\n\n"))).isTrue();

    assertThat(events).containsExactly(new EventStreamDecoder.Event("", data));
  }

  @Test
  void aLineOverTheLimitFailsTheStream() {
    byte[] line = new byte[101];
    Arrays.fill(line, (byte) 'x');
    EventStreamDecoder decoder = new EventStreamDecoder(100, events::add);

    assertThat(decoder.feed(Buffer.buffer(line))).isFalse();
    assertThat(decoder.feed(Buffer.buffer("\n\ndata: late\n\n"))).isFalse();

    assertThat(events).isEmpty();
  }
}

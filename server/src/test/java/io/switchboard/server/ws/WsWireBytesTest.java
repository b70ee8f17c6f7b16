package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bytes of WebSocket frames on the wire, read from raw sockets: a channel's messages are
 * encoded once as whole frames and written to every subscriber as they are, below Vert.x's
 * WebSocket encoder ({@code PipelineWriter}), and so are the connection's own frames, while pings
 * and the close frame still come from Vert.x. Checked here: every text frame is final, unmasked,
 * without reserved bits, with its length in bytes of UTF-8 in each of the three length forms; every
 * subscriber reads the same bytes; frames of the connection's own fit between deliveries; and the
 * close frame comes last, after every message, with nothing after it.
 */
class WsWireBytesTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everySubscriberReadsEachMessageAsTheSameOneFrameAndTheCloseFrameLast() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
    List<RawWebSocket> subscribers = new ArrayList<>();
    CompletableFuture<Void> stopping = null;
    try {
      Api api = new Api(server.port());
      String channel = uniqueChannel("wsWire");
      for (int i = 0; i < 10; i++) {
        RawWebSocket subscriber = RawWebSocket.connect(server.port());
        subscribers.add(subscriber);
        subscriber.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"s" + i + "\"}");
        JsonNode ack = nextText(subscriber);
        assertThat(ack.path("op").asText()).as("answer to subscribe: %s", ack).isEqualTo("ack");
        assertThat(ack.path("ref").asText()).isEqualTo("s" + i);
      }
      // Payload lengths below 126, up to 65,535 and above: every length form of RFC 6455.
      List<String> data = List.of("a", "ünïcödé € \uD83D\uDE00", "y".repeat(200), "z".repeat(70_000), "x".repeat(1_048_576 - 64));
      for (String each : data) {
        api.publishedId(channel, each);
      }

      List<byte[]> firstSubscribersFrames = null;
      for (RawWebSocket subscriber : subscribers) {
        List<byte[]> frames = new ArrayList<>();
        for (String expected : data) {
          RawWebSocket.Frame frame = nextTextFrame(subscriber);
          JsonNode message = JSON.readTree(frame.text());
          assertThat(message.path("op").asText()).isEqualTo("message");
          assertThat(message.path("data").asText()).isEqualTo(expected);
          frames.add(frame.payload());
        }
        if (firstSubscribersFrames == null) {
          firstSubscribersFrames = frames;
        } else {
          for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i)).as("frame %d, as the first subscriber read it", i).isEqualTo(firstSubscribersFrames.get(i));
          }
        }
      }

      RawWebSocket first = subscribers.get(0);
      first.sendText("{\"op\":\"ping\",\"ref\":\"between\"}");
      JsonNode pong = nextText(first);
      assertThat(pong.path("op").asText()).isEqualTo("pong");
      assertThat(pong.path("ref").asText()).isEqualTo("between");
      api.publishedId(channel, "last");
      assertThat(nextText(first).path("data").asText()).isEqualTo("last");

      stopping = CompletableFuture.runAsync(server::stop);
      for (int i = 0; i < subscribers.size(); i++) {
        RawWebSocket subscriber = subscribers.get(i);
        List<RawWebSocket.Frame> rest = subscriber.readUntilClose(PROMPTLY);
        RawWebSocket.Frame close = rest.get(rest.size() - 1);
        assertThat(close.closeCode()).isEqualTo(WsConnection.GOING_AWAY);
        List<String> messagesBeforeClose = new ArrayList<>();
        for (RawWebSocket.Frame frame : rest.subList(0, rest.size() - 1)) {
          if (frame.opcode() == RawWebSocket.TEXT) {
            assertWellFormed(frame);
            messagesBeforeClose.add(JSON.readTree(frame.text()).path("data").asText());
          }
        }
        assertThat(messagesBeforeClose).as("subscriber %d: messages between the last read and the close", i)
            .isEqualTo(i == 0 ? List.of() : List.of("last"));
        assertThatThrownBy(subscriber::readFrame).as("subscriber %d: anything after the close frame", i)
            .isInstanceOfAny(EOFException.class, SocketException.class);
      }
      stopping.get(20, TimeUnit.SECONDS);
    } finally {
      for (RawWebSocket subscriber : subscribers) {
        subscriber.close();
      }
      if (stopping == null) {
        server.stop();
      }
    }
  }

  private static JsonNode nextText(RawWebSocket socket) throws IOException {
    return JSON.readTree(nextTextFrame(socket).text());
  }

  /** The next text frame, checked; the server's pings on the way are skipped. */
  private static RawWebSocket.Frame nextTextFrame(RawWebSocket socket) throws IOException {
    RawWebSocket.Frame frame = socket.readFrame();
    while (frame.opcode() == RawWebSocket.PING) {
      frame = socket.readFrame();
    }
    assertThat(frame.opcode()).as("opcode").isEqualTo(RawWebSocket.TEXT);
    assertWellFormed(frame);
    return frame;
  }

  private static void assertWellFormed(RawWebSocket.Frame frame) {
    assertThat(frame.isFinal()).as("FIN: one frame per message").isTrue();
    assertThat(frame.reservedBits()).as("reserved bits").isZero();
    assertThat(frame.masked()).as("masked: a server must not mask").isFalse();
  }
}

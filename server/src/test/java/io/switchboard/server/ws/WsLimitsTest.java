package io.switchboard.server.ws;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static io.switchboard.server.testing.WsClient.frame;
import static io.switchboard.server.ws.WsFrameProtocolTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.config.Settings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.WsClient;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Size limits on {@code /v1/ws}: data over the maximum message size is refused with an error
 * frame; a frame over {@link Settings#maxWebSocketMessageSize()} ends the connection with 1009.
 */
class WsLimitsTest {
  private static final int MAX_MESSAGE_SIZE = 64 * 1024;

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings.withMaxMessageSize(MAX_MESSAGE_SIZE));

  private final Api api = server.api();
  private final int maxFrame = Settings.defaults().withMaxMessageSize(MAX_MESSAGE_SIZE).maxWebSocketMessageSize();
  private WsClient client;

  @BeforeEach
  void connect() {
    client = WsClient.connect(server.server().port());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void publishWithDataLargerThanTheMaximumIsAnsweredWith413AndStoresNothing() {
    String channel = uniqueChannel("too-large");

    client.send(frame("op", "publish", "channel", channel, "data", "x".repeat(MAX_MESSAGE_SIZE + 1), "ref", "r-large"));

    String detail = assertError(client.error(), 413, "r-large");
    assertThat(detail).contains(String.valueOf(MAX_MESSAGE_SIZE));
    client.assertStillUsable();
    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored, so the channel is unknown").isEqualTo(404);
  }

  @Test
  void publishWithDataOfExactlyTheMaximumIsStored() {
    String channel = uniqueChannel("max");

    String id = client.publish(channel, "x".repeat(MAX_MESSAGE_SIZE));

    assertThat(WsClient.field(api.readAll(channel), "id")).containsExactly(id);
  }

  @Test
  void publishCountsTheMaximumInUtf8Bytes() {
    String channel = uniqueChannel("utf8-large");

    client.send(frame("op", "publish", "channel", channel, "data", "é".repeat(MAX_MESSAGE_SIZE / 2 + 1), "ref", "r-utf8"));

    assertError(client.error(), 413, "r-utf8");
    client.assertStillUsable();
  }

  @Test
  void largestDataIsAcceptedWhenTheClientEscapesNonAsciiCharacters() {
    String channel = uniqueChannel("escaped");
    // Python's json.dumps (ensure_ascii) and other encoders write "é" as the six characters \u00e9.
    String data = "é".repeat(MAX_MESSAGE_SIZE / 2);
    String escaped = "\\u00e9".repeat(MAX_MESSAGE_SIZE / 2);
    String publish = "{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"ref\":\"r-escaped\",\"data\":\"" + escaped + "\"}";

    client.send(publish);
    client.sendUnlessClosed(frame("op", "ping", "ref", "r-after"));

    // A durable engine may answer the ping before the publish is stored: find the publish's answer.
    JsonNode answer = client.nextUnlessClosed();
    if (answer != null && answer.path("ref").asText().equals("r-after")) {
      answer = client.nextUnlessClosed();
    }
    assertThat(answer).as("the answer to a publish of %s characters carrying %s bytes of data (closure: %s)",
        publish.length(), MAX_MESSAGE_SIZE, client.closure()).isNotNull();
    assertThat(answer.path("ref").asText()).as("answer: %s", answer).isEqualTo("r-escaped");
    assertThat(answer.path("op").asText()).as("answer: %s", answer).isEqualTo("ack");
    assertThat(WsClient.field(api.readAll(channel), "data")).containsExactly(data);
  }

  /** docs/api.md: "A frame larger than twice max-message-size plus 64 KiB closes the connection with code 1009." */
  @Test
  void frameLargerThanTheMaximumClosesTheConnectionWith1009() throws IOException {
    String channel = uniqueChannel("huge-frame");
    try (RawWebSocket raw = RawWebSocket.connect(server.server().port())) {

      raw.sendText(frame("op", "publish", "channel", channel, "data", "x".repeat(maxFrame), "ref", "r-huge"));

      List<RawWebSocket.Frame> frames = raw.readUntilClose(WsClient.FRAME_WAIT);
      assertThat(frames).as("only a close frame answers the oversized one").hasSize(1);
      assertThat(frames.get(0).closeCode()).isEqualTo(1009);
    }
    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored").isEqualTo(404);
  }

  @Test
  void messageLargerThanTheMaximumSentInFragmentsClosesTheConnectionWith1009() {
    String channel = uniqueChannel("huge-message");

    // The JDK client, like browsers, sends a large message as several frames, each under the limit.
    client.send(frame("op", "publish", "channel", channel, "data", "x".repeat(maxFrame), "ref", "r-huge"));
    client.sendUnlessClosed(frame("op", "ping", "ref", "r-after"));

    JsonNode answer = client.nextUnlessClosed();
    assertThat(answer).as("the oversized message is answered by a close, not by a frame").isNull();
    WsClient.Closure closure = client.awaitClosure(WsClient.FRAME_WAIT);
    assertThat(closure.code()).as("close: %s", closure).isEqualTo(1009);
    assertThat(api.get("/v1/channels/" + channel).status()).as("nothing was stored").isEqualTo(404);
  }

  @Test
  void frameJustUnderTheMaximumFrameSizeIsReadAndAnsweredWith413() {
    String prefix = frame("op", "publish", "channel", uniqueChannel("big-frame"), "ref", "r-big", "data", "");
    String data = "x".repeat(maxFrame - prefix.length());
    String publish = prefix.substring(0, prefix.length() - 3) + "\"" + data + "\"}";
    assertThat(publish.length()).isEqualTo(maxFrame);

    client.send(publish);

    assertError(client.error(), 413, "r-big");
    client.assertStillUsable();
    assertThat(client.closure()).isEmpty();
  }

  @Test
  void otherConnectionsSurviveAnOversizedFrame() throws IOException {
    String channel = uniqueChannel("bystander");
    client.subscribe(channel);
    try (RawWebSocket raw = RawWebSocket.connect(server.server().port())) {
      raw.sendText("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(maxFrame) + "\"}");
      raw.awaitEnd(WsClient.FRAME_WAIT);
    }

    api.publishedId(channel, "still here");

    assertThat(WsClient.field(client.messages(1), "data")).containsExactly("still here");
  }
}

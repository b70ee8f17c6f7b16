package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frames the server encodes itself (they bypass Vert.x's WebSocket encoder) read back by
 * Netty's client-side decoder: every length form of RFC 6455 and text that is not ASCII.
 */
class WsFramesWireTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 1_000_000})
  void aFrameOfEveryLengthDecodesToItsText(int length) {
    String text = "x".repeat(length);

    assertThat(decoded(WsFrames::frame, text)).isEqualTo(text);
    assertThat(decoded(WsFrames::sharedFrame, text)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 42, 21_845, 21_846})
  void lengthsAreCountedInBytesNotCharacters(int euros) {
    String text = "€".repeat(euros) + "\uD83D\uDE00";

    assertThat(decoded(WsFrames::frame, text)).isEqualTo(text);
    assertThat(decoded(WsFrames::sharedFrame, text)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 130, 70_000})
  void aSharedFrameIsReadableOnceByEveryWriterOfItsDuplicates(int length) {
    String text = "y".repeat(length);
    ByteBuf shared = WsFrames.sharedFrame(text);
    int size = shared.readableBytes();

    for (int writer = 0; writer < 3; writer++) {
      assertThat(decodedFrame(shared.retainedDuplicate())).isEqualTo(text);
    }

    assertThat(shared.readableBytes()).isEqualTo(size);
    assertThat(shared.isDirect()).isTrue();
  }

  private static String decoded(Function<String, ByteBuf> encoder, String text) {
    return decodedFrame(encoder.apply(text));
  }

  /** As a client reads it: unmasked frames expected, no extensions, any length. */
  private static String decodedFrame(ByteBuf wireBytes) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(/* expectMaskedFrames= */ false,
        /* allowExtensions= */ false, /* maxFramePayloadLength= */ 16 * 1024 * 1024));
    try {
      assertThat(client.writeInbound(wireBytes)).isTrue();
      TextWebSocketFrame frame = client.readInbound();
      try {
        assertThat(frame.isFinalFragment()).isTrue();
        assertThat(client.<Object>readInbound()).isNull();
        return frame.text();
      } finally {
        frame.release();
      }
    } finally {
      client.finishAndReleaseAll();
    }
  }
}

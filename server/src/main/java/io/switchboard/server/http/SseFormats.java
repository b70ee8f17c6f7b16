package io.switchboard.server.http;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events framing (the WHATWG "event stream" format): {@code id:}, {@code event:},
 * one {@code data:} line per line of the data, a blank line to dispatch.
 *
 * <p>Two shapes of message events. On a channel's own stream the data is the message's data, as
 * published, and the id is its cursor. On a {@code /v1/subscribe} stream, which mixes channels,
 * the data is the message as JSON (with its channel) and the id is the stream's cursor, which is
 * the subscriber's own and so is written per connection in front of the shared body.
 *
 * <p>Server events use event names with the prefix publishers may not use,
 * {@link io.switchboard.core.message.Publication#RESERVED_EVENT_PREFIX}.
 */
final class SseFormats {
  static final String TRUNCATED = "switchboard.truncated";
  static final String SLOW_CONSUMER = "switchboard.slow-consumer";
  static final String SHUTDOWN = "switchboard.shutdown";
  static final String UNAVAILABLE = "switchboard.unavailable";
  static final String SESSION_ENDED = "switchboard.session-ended";
  static final String TOKEN_EXPIRED = "switchboard.token-expired";
  static final String TOKEN_EXPIRED_DETAIL = "the token expired; reconnect with a fresh one to resume";

  /**
   * A channel stream's event (id, event, data, blank line) as one whole HTTP chunk, in a direct
   * buffer that every stream of the channel writes as it is ({@link ChunkedBodyWriter}).
   */
  static final WireFormat<ByteBuf> CHANNEL_CHUNK = new WireFormat<>() {
    @Override
    public int slot() {
      return 0;
    }

    @Override
    public ByteBuf encode(Message message) {
      StringBuilder event = new StringBuilder(message.data().length() + 64);
      event.append("id: ").append(message.id().encode()).append('\n');
      message.event().ifPresent(type -> event.append("event: ").append(type).append('\n'));
      appendData(event, message.data());
      return chunk(event.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }
  };

  private static final byte[] CRLF = {'\r', '\n'};
  private static final ByteBuf HEARTBEAT = chunk(":\n\n".getBytes(StandardCharsets.US_ASCII));

  /** A subscribe stream's event without its id line: event, data (the message as JSON), blank line. */
  static final WireFormat<Buffer> ENVELOPE_BODY = new WireFormat<>() {
    @Override
    public int slot() {
      return 1;
    }

    @Override
    public Buffer encode(Message message) {
      StringBuilder event = new StringBuilder(message.data().length() + 160);
      message.event().ifPresent(type -> event.append("event: ").append(type).append('\n'));
      event.append("data: ").append(JsonBodies.messageJson(message)).append("\n\n");
      return utf8(event);
    }
  };

  private SseFormats() {}

  static Buffer idLine(String id) {
    return Buffer.buffer("id: " + id + "\n");
  }

  static Buffer opening(long retryMillis) {
    return Buffer.buffer("retry: " + retryMillis + "\n: switchboard event stream\n\n");
  }

  static Buffer heartbeat() {
    return Buffer.buffer(":\n\n");
  }

  /** {@link #heartbeat} as an HTTP chunk, shared by every stream. */
  static ByteBuf heartbeatChunk() {
    return HEARTBEAT;
  }

  /**
   * {@code event} as one HTTP chunk ({@code <hex length>\r\n<event>\r\n}) in a direct buffer, to
   * be shared: it is never released, and its memory goes with the garbage collector once nothing
   * refers to it (a wrapped {@link ByteBuffer#allocateDirect}; writers hand Netty retained
   * duplicates). Direct, so that no socket write copies it first.
   */
  static ByteBuf chunk(byte[] event) {
    byte[] length = Integer.toHexString(event.length).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer chunk = ByteBuffer.allocateDirect(length.length + event.length + 4);
    chunk.put(length).put(CRLF).put(event).put(CRLF).flip();
    return Unpooled.wrappedBuffer(chunk);
  }

  /** {@code event} as one HTTP chunk of a single stream's, on the heap; never released either, like {@link #chunk}. */
  static ByteBuf chunk(Buffer event) {
    byte[] length = Integer.toHexString(event.length()).getBytes(StandardCharsets.US_ASCII);
    byte[] chunk = new byte[length.length + event.length() + 4];
    System.arraycopy(length, 0, chunk, 0, length.length);
    System.arraycopy(CRLF, 0, chunk, length.length, 2);
    event.getBytes(chunk, length.length + 2);
    System.arraycopy(CRLF, 0, chunk, chunk.length - 2, 2);
    return Unpooled.wrappedBuffer(chunk);
  }

  static Buffer truncated(ChannelName channel, Cursor earliest) {
    return serverEvent(TRUNCATED, "{\"channel\":\"" + channel.value() + "\",\"earliest\":\"" + earliest.encode() + "\"}");
  }

  /** An event with an id, a type and data. */
  static Buffer event(String id, String type, String data) {
    StringBuilder event = new StringBuilder(data.length() + 64).append("id: ").append(id).append("\nevent: ").append(type).append('\n');
    appendData(event, data);
    return utf8(event.append('\n'));
  }

  /** A server event that ends a stream, saying why; {@code detail} is the server's own text, JSON-safe. */
  static Buffer finalEvent(String type, String detail) {
    return serverEvent(type, "{\"detail\":\"" + detail + "\"}");
  }

  /** A server event with a JSON object as data. */
  static Buffer serverEvent(String type, String json) {
    StringBuilder event = new StringBuilder("event: ").append(type).append('\n');
    appendData(event, json);
    return utf8(event.append('\n'));
  }

  /** One {@code data:} line per line; CR, LF and CRLF all end a line, as the format defines. */
  private static void appendData(StringBuilder event, String data) {
    int lineStart = 0;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\n' || c == '\r') {
        event.append("data: ").append(data, lineStart, i).append('\n');
        if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
          i++;
        }
        lineStart = i + 1;
      }
    }
    event.append("data: ").append(data, lineStart, data.length()).append('\n');
  }

  private static Buffer utf8(CharSequence text) {
    return Buffer.buffer(text.toString().getBytes(StandardCharsets.UTF_8));
  }
}

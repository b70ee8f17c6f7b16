package io.switchboard.server.ws;

import io.switchboard.core.auth.AccessDeniedException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.WireFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The JSON frames the server sends on {@code /v1/ws}, written with Jackson's streaming generator. */
final class WsFrames {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * {@code {"op":"message",...}} as a whole WebSocket text frame: the same bytes for every WebSocket
   * subscriber of a message, in a direct buffer that is never released (see {@link #sharedFrame}).
   */
  static final WireFormat<ByteBuf> MESSAGE = new WireFormat<>() {
    @Override
    public int slot() {
      return 2;
    }

    @Override
    public ByteBuf encode(Message message) {
      return sharedFrame(write(json -> {
        json.writeStringField("op", "message");
        json.writeStringField("channel", message.channel().value());
        json.writeStringField("id", message.id().encode());
        json.writeNumberField("time", message.time());
        json.writeStringField("data", message.data());
        if (message.event().isPresent()) {
          json.writeStringField("event", message.event().get());
        }
      }));
    }
  };

  /** FIN and the text opcode: a whole message in one frame. */
  private static final int FINAL_TEXT_FRAME = 0x81;

  private WsFrames() {}

  /**
   * {@code text} as the one frame of a text message from the server (unmasked, as servers send
   * them), on the heap: for frames of one connection.
   *
   * <p>One frame per message, as Vert.x sends them on this server too: it splits only messages
   * longer than the largest frame it accepts, which is set above the largest message the server
   * writes (a message of the largest data, JSON-escaped; see {@code SwitchboardServer}).
   */
  static ByteBuf frame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    return framed(payload, Unpooled.buffer(frameLength(payload.length)));
  }

  /**
   * {@code text} as one text frame in a direct buffer shared by every connection it is written to
   * and never released: nothing knows which of them writes it last, so its memory is the garbage
   * collector's to free, as with the event-stream chunks shared by subscribers.
   */
  static ByteBuf sharedFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    return framed(payload, Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(frameLength(payload.length))).clear());
  }

  private static int frameLength(int payloadLength) {
    return (payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10) + payloadLength;
  }

  /** Writes the frame into {@code frame}: its header (RFC 6455, 5.2: the payload length in 7 bits, or 126 and 16 bits, or 127 and 64 bits), then the payload. */
  private static ByteBuf framed(byte[] payload, ByteBuf frame) {
    frame.writeByte(FINAL_TEXT_FRAME);
    if (payload.length < 126) {
      frame.writeByte(payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.writeByte(126).writeShort(payload.length);
    } else {
      frame.writeByte(127).writeLong(payload.length);
    }
    return frame.writeBytes(payload);
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  static String ack(Optional<String> ref, Optional<Cursor> id) {
    return write(json -> {
      json.writeStringField("op", "ack");
      writeRef(json, ref);
      if (id.isPresent()) {
        json.writeStringField("id", id.get().encode());
      }
    });
  }

  static String error(Optional<String> ref, int status, String detail) {
    return write(json -> {
      json.writeStringField("op", "error");
      writeRef(json, ref);
      json.writeNumberField("status", status);
      json.writeStringField("detail", detail);
    });
  }

  /** The refusal of an op: 401 when the connection has no token and anonymous rights do not allow it, else 403. */
  static String denied(Optional<String> ref, AccessDeniedException denied) {
    return error(ref, denied.needsCredentials() ? 401 : 403, denied.getMessage());
  }

  static String pong(Optional<String> ref) {
    return write(json -> {
      json.writeStringField("op", "pong");
      writeRef(json, ref);
    });
  }

  static String truncated(ChannelName channel, Cursor earliest) {
    return write(json -> {
      json.writeStringField("op", "truncated");
      json.writeStringField("channel", channel.value());
      json.writeStringField("earliest", earliest.encode());
    });
  }

  /** A job pushed to a worker: what a claim answers over HTTP, as {@code {"op":"job",...}}. */
  static String job(Job job) {
    return write(json -> {
      json.writeStringField("op", "job");
      json.writeStringField("id", job.id());
      json.writeStringField("queue", job.queue());
      json.writeStringField("data", job.data());
      json.writeNumberField("attempt", job.attempt());
      json.writeNumberField("attempts", job.maxAttempts());
      json.writeStringField("lease", job.lease().orElseThrow().token());
      json.writeNumberField("leaseExpires", job.lease().orElseThrow().expiresAt());
    });
  }

  /** The answer to complete, fail or heartbeat: {@code {"op":"ack","ref":...,"job":ID,"status":...}}. */
  static String jobAck(Optional<String> ref, Job job) {
    return write(json -> {
      json.writeStringField("op", "ack");
      writeRef(json, ref);
      json.writeStringField("job", job.id());
      json.writeStringField("status", job.status().wireName());
      if (job.lease().isPresent()) {
        json.writeNumberField("leaseExpires", job.lease().get().expiresAt());
      }
    });
  }

  private static void writeRef(JsonGenerator json, Optional<String> ref) throws IOException {
    if (ref.isPresent()) {
      json.writeStringField("ref", ref.get());
    }
  }

  private static String write(Fields fields) {
    StringWriter text = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException("writing JSON to memory failed", impossible);
    }
    return text.toString();
  }
}

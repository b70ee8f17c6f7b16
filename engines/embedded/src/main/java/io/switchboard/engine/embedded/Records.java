package io.switchboard.engine.embedded;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.message.Message;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The byte layout of stored values. Each starts with a format byte, so that a later version can
 * read what an earlier one wrote, and a value this version does not know is refused, not misread.
 */
final class Records {
  private static final byte FORMAT = 1;

  private Records() {}

  /** What a channel's metadata holds; {@code first > last} when nothing is retained. */
  record ChannelMeta(long epoch, long first, long last, long lastTime) {}

  /** A stored message's own fields; its channel and offset are in its key. */
  record StoredMessage(long time, Optional<String> event, String data) {
    Message toMessage(ChannelName channel, Cursor id) {
      return new Message(channel, id, time, data, event);
    }
  }

  /** An idempotency key's record: when it was used, and the message it stored. */
  record KeyedMessage(long usedAt, long offset, StoredMessage message) {}

  static byte[] channelMeta(ChannelMeta meta) {
    return ByteBuffer.allocate(1 + 4 * Long.BYTES)
        .put(FORMAT).putLong(meta.epoch()).putLong(meta.first()).putLong(meta.last()).putLong(meta.lastTime())
        .array();
  }

  static ChannelMeta channelMeta(byte[] value) {
    ByteBuffer buffer = open(value, "channel");
    try {
      return new ChannelMeta(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    } catch (BufferUnderflowException truncated) {
      throw damaged("channel");
    }
  }

  static byte[] message(Message message) {
    return message(message.time(), message.event(), message.data(), 0);
  }

  static StoredMessage message(byte[] value) {
    ByteBuffer buffer = open(value, "message");
    try {
      return readMessage(buffer);
    } catch (BufferUnderflowException | IllegalArgumentException truncated) {
      throw damaged("message");
    }
  }

  /** Only a stored message's time, without decoding its data: what retention by age looks at. */
  static long messageTime(byte[] value) {
    ByteBuffer buffer = open(value, "message");
    try {
      return buffer.getLong();
    } catch (BufferUnderflowException truncated) {
      throw damaged("message");
    }
  }

  static byte[] keyedMessage(long usedAt, Message message) {
    byte[] body = message(message.time(), message.event(), message.data(), 2 * Long.BYTES);
    ByteBuffer.wrap(body, 1, 2 * Long.BYTES).putLong(usedAt).putLong(message.offset());
    return body;
  }

  static KeyedMessage keyedMessage(byte[] value) {
    ByteBuffer buffer = open(value, "idempotency key");
    try {
      long usedAt = buffer.getLong();
      long offset = buffer.getLong();
      return new KeyedMessage(usedAt, offset, readMessage(buffer));
    } catch (BufferUnderflowException | IllegalArgumentException truncated) {
      throw damaged("idempotency key");
    }
  }

  /** Encodes a message after {@code reserved} bytes that the caller fills in. */
  private static byte[] message(long time, Optional<String> event, String data, int reserved) {
    byte[] eventBytes = event.map(name -> name.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    byte[] dataBytes = data.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + reserved + Long.BYTES + 1 + eventBytes.length + dataBytes.length)
        .put(FORMAT)
        .position(1 + reserved)
        .putLong(time)
        .put((byte) (event.isPresent() ? eventBytes.length + 1 : 0))
        .put(eventBytes)
        .put(dataBytes)
        .array();
  }

  private static StoredMessage readMessage(ByteBuffer buffer) {
    long time = buffer.getLong();
    int eventField = Byte.toUnsignedInt(buffer.get());
    Optional<String> event = Optional.empty();
    if (eventField > 0) {
      byte[] eventBytes = new byte[eventField - 1];
      buffer.get(eventBytes);
      event = Optional.of(new String(eventBytes, StandardCharsets.UTF_8));
    }
    String data = new String(buffer.array(), buffer.position(), buffer.remaining(), StandardCharsets.UTF_8);
    return new StoredMessage(time, event, data);
  }

  private static ByteBuffer open(byte[] value, String what) {
    if (value.length == 0 || value[0] != FORMAT) {
      throw new EngineException("a stored " + what + " record has format "
          + (value.length == 0 ? "(none)" : Byte.toUnsignedInt(value[0])) + ", which this version of Switchboard cannot read");
    }
    return ByteBuffer.wrap(value, 1, value.length - 1);
  }

  private static EngineException damaged(String what) {
    return new EngineException("a stored " + what + " record is damaged (shorter than its format says)");
  }
}

package io.switchboard.core.cursor;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.message.Message;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One opaque position for a subscription to several channels or patterns: the position in every
 * channel it has delivered from, plus {@code since}, the time from which channels it has not seen
 * yet are read. A client resumes all of them with this one string.
 *
 * <p>It keeps at most {@value #MAX_CHANNELS} channels, the most recently delivered; a channel
 * dropped from it is read from {@code since} again on resume, so an overflow can repeat messages
 * but never loses one.
 *
 * <p>String form: base64url (no padding) of a version byte, {@code since} (8 bytes), the channel
 * count, then per channel its name (length byte and ASCII), its epoch (7 bytes) and offset (8 bytes).
 */
public final class StreamCursor {
  public static final int MAX_CHANNELS = 256;

  private static final byte VERSION = 1;
  private static final int MAX_TEXT_LENGTH = 4 * ((1 + 8 + 2 + MAX_CHANNELS * (1 + ChannelName.MAX_LENGTH + 15)) / 3 + 1);

  private final long since;
  /** In delivery order, oldest first. */
  private final LinkedHashMap<ChannelName, Cursor> positions;

  private StreamCursor(long since, LinkedHashMap<ChannelName, Cursor> positions) {
    this.since = since;
    this.positions = positions;
  }

  /** A position that has seen nothing, reading every channel from {@code sinceMillis} on. */
  public static StreamCursor since(long sinceMillis) {
    return new StreamCursor(sinceMillis, new LinkedHashMap<>());
  }

  /** The position after {@code message} was delivered. */
  public StreamCursor after(Message message) {
    LinkedHashMap<ChannelName, Cursor> moved = new LinkedHashMap<>(positions);
    moved.remove(message.channel());
    moved.put(message.channel(), message.id());
    if (moved.size() > MAX_CHANNELS) {
      moved.remove(moved.keySet().iterator().next());
    }
    return new StreamCursor(since, moved);
  }

  public long since() {
    return since;
  }

  public Map<ChannelName, Cursor> positions() {
    return Collections.unmodifiableMap(positions);
  }

  public String encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + positions.size() * 32);
    ByteBuffer fixed = ByteBuffer.allocate(15);
    fixed.put(VERSION).putLong(since).putShort((short) positions.size());
    bytes.write(fixed.array(), 0, fixed.position());
    for (Map.Entry<ChannelName, Cursor> entry : positions.entrySet()) {
      byte[] name = entry.getKey().value().getBytes(StandardCharsets.US_ASCII);
      ByteBuffer channel = ByteBuffer.allocate(1 + name.length + 15);
      channel.put((byte) name.length).put(name);
      long epoch = entry.getValue().epoch();
      for (int shift = 48; shift >= 0; shift -= 8) {
        channel.put((byte) (epoch >>> shift));
      }
      channel.putLong(entry.getValue().offset());
      bytes.write(channel.array(), 0, channel.position());
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
  }

  /**
   * Parses a stream cursor a client sent back.
   *
   * @throws InvalidInputException when the text is not a stream cursor this server issues
   */
  public static StreamCursor parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
      throw notAStreamCursor(text);
    }
    ByteBuffer buffer;
    try {
      buffer = ByteBuffer.wrap(Base64.getUrlDecoder().decode(text));
    } catch (IllegalArgumentException notBase64) {
      throw notAStreamCursor(text);
    }
    if (buffer.remaining() < 11 || buffer.get() != VERSION) {
      throw notAStreamCursor(text);
    }
    long since = buffer.getLong();
    int count = buffer.getShort() & 0xffff;
    if (since < 0 || count > MAX_CHANNELS) {
      throw notAStreamCursor(text);
    }
    LinkedHashMap<ChannelName, Cursor> positions = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      if (buffer.remaining() < 1) {
        throw notAStreamCursor(text);
      }
      int nameLength = buffer.get() & 0xff;
      if (buffer.remaining() < nameLength + 15) {
        throw notAStreamCursor(text);
      }
      byte[] name = new byte[nameLength];
      buffer.get(name);
      String nameText = new String(name, StandardCharsets.US_ASCII);
      if (!ChannelName.isValid(nameText)) {
        throw notAStreamCursor(text);
      }
      long epoch = 0;
      for (int b = 0; b < 7; b++) {
        epoch = (epoch << 8) | (buffer.get() & 0xff);
      }
      long offset = buffer.getLong();
      if (offset < 0 || (epoch == Cursor.ANY_EPOCH && offset != 0)) {
        throw notAStreamCursor(text);
      }
      ChannelName channel = ChannelName.of(nameText);
      positions.put(channel, Cursor.of(channel, epoch, offset));
    }
    if (buffer.hasRemaining() || positions.size() != count) {
      throw notAStreamCursor(text);
    }
    return new StreamCursor(since, positions);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StreamCursor cursor && cursor.since == since && cursor.positions.equals(positions);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(since) * 31 + positions.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }

  private static InvalidInputException notAStreamCursor(String text) {
    return new InvalidInputException(InvalidInputException.quote(text)
        + " is not a subscription cursor: use the id of an event or the \"next\" of an answer of the same subscription, unchanged");
  }
}

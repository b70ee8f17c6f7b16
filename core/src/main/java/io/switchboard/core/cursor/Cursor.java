package io.switchboard.core.cursor;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A position in one channel: "after the message with this offset". Every message id is the cursor
 * that points just after it, so a client resumes by sending the last id it saw.
 *
 * <p>Clients see cursors as opaque strings. Inside they carry what an engine needs to tell a
 * cursor it can serve from one it cannot (in the spirit of Centrifugo's offset + epoch):
 * <ul>
 *   <li>{@code channelTag}: a CRC32C of the channel name, so that a cursor of another channel is
 *       rejected instead of silently read as a position here;
 *   <li>{@code epoch}: the incarnation of the channel's log. An engine picks a new random epoch
 *       whenever it starts a log from scratch (a memory engine restarted, a channel forgotten and
 *       created again), so offsets of an earlier incarnation are recognised as stale. Epoch
 *       {@link #ANY_EPOCH} means "the channel had no log yet" and is valid in every incarnation;
 *   <li>{@code offset}: the per-channel sequence number, starting at 1; 0 is "before the first".
 * </ul>
 *
 * <p>The string form is 20 bytes in base32hex (lower case, no padding): 32 characters from
 * {@code [0-9a-v]}. Base32hex keeps byte order, so within one channel incarnation ids sort as
 * strings in the order they were published.
 */
public record Cursor(int channelTag, long epoch, long offset) {
  /** The epoch of a position taken on a channel that had no log: valid in every incarnation. */
  public static final long ANY_EPOCH = 0;

  /** Epochs are 56 bits so the string form stays at 20 bytes. */
  public static final long MAX_EPOCH = (1L << 56) - 1;

  private static final byte VERSION = 1;
  private static final int BYTES = 20;
  private static final int LENGTH = 32;
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuv".toCharArray();

  public Cursor {
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException("epoch " + epoch + " is outside 0.." + MAX_EPOCH);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset " + offset + " is negative");
    }
    if (epoch == ANY_EPOCH && offset != 0) {
      throw new IllegalArgumentException("a position without a log (epoch 0) can only be offset 0, not " + offset);
    }
  }

  /** The position before the first message of {@code channel} in log incarnation {@code epoch}. */
  public static Cursor start(ChannelName channel, long epoch) {
    return new Cursor(tagOf(channel), epoch, 0);
  }

  public static Cursor of(ChannelName channel, long epoch, long offset) {
    return new Cursor(tagOf(channel), epoch, offset);
  }

  /** The tag that ties cursors to {@code channel}; stable across processes and versions. */
  public static int tagOf(ChannelName channel) {
    CRC32C crc = new CRC32C();
    crc.update(channel.value().getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }

  /**
   * Parses a cursor that a client sent for {@code channel}.
   *
   * @throws InvalidInputException when the text is not a cursor, or is a cursor of another channel
   */
  public static Cursor parse(String text, ChannelName channel) {
    Cursor cursor = parse(text);
    if (cursor.channelTag != tagOf(channel)) {
      throw new InvalidInputException("cursor " + text + " belongs to another channel than " + channel);
    }
    return cursor;
  }

  /**
   * Parses the string form without tying it to a channel.
   *
   * @throws InvalidInputException when the text is not a cursor this server issues
   */
  public static Cursor parse(String text) {
    if (text == null || text.length() != LENGTH) {
      throw notACursor(text);
    }
    byte[] bytes = new byte[BYTES];
    long bits = 0;
    int pending = 0;
    int written = 0;
    for (int i = 0; i < LENGTH; i++) {
      int digit = digit(text.charAt(i));
      if (digit < 0) {
        throw notACursor(text);
      }
      bits = (bits << 5) | digit;
      pending += 5;
      if (pending >= 8) {
        pending -= 8;
        bytes[written++] = (byte) (bits >>> pending);
      }
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte version = buffer.get();
    int tag = buffer.getInt();
    long epoch = readUnsigned56(buffer);
    long offset = buffer.getLong();
    if (version != VERSION || offset < 0 || (epoch == ANY_EPOCH && offset != 0)) {
      throw notACursor(text);
    }
    return new Cursor(tag, epoch, offset);
  }

  /** The same position in the same incarnation, moved to {@code newOffset}. */
  public Cursor withOffset(long newOffset) {
    return new Cursor(channelTag, epoch, newOffset);
  }

  /** Whether this position was taken in incarnation {@code logEpoch} of its channel's log. */
  public boolean isFromEpoch(long logEpoch) {
    return epoch == ANY_EPOCH || epoch == logEpoch;
  }

  public String encode() {
    ByteBuffer buffer = ByteBuffer.allocate(BYTES);
    buffer.put(VERSION).putInt(channelTag);
    for (int shift = 48; shift >= 0; shift -= 8) {
      buffer.put((byte) (epoch >>> shift));
    }
    buffer.putLong(offset);
    byte[] bytes = buffer.array();
    char[] out = new char[LENGTH];
    long bits = 0;
    int pending = 0;
    int written = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
      pending += 8;
      while (pending >= 5) {
        pending -= 5;
        out[written++] = ALPHABET[(int) (bits >>> pending) & 31];
      }
    }
    return new String(out);
  }

  @Override
  public String toString() {
    return encode();
  }

  private static long readUnsigned56(ByteBuffer buffer) {
    long value = 0;
    for (int i = 0; i < 7; i++) {
      value = (value << 8) | (buffer.get() & 0xff);
    }
    return value;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'v') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static InvalidInputException notACursor(String text) {
    return new InvalidInputException(InvalidInputException.quote(text)
        + " is not a cursor: use the id of a message or the \"next\" of an answer, unchanged");
  }
}

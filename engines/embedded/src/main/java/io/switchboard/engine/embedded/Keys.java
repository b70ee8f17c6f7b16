package io.switchboard.engine.embedded;

import io.switchboard.core.channel.ChannelName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of keys. A message key is the channel name, a zero byte, and the offset as
 * 8 big-endian bytes, so one channel's messages are adjacent and in offset order, and no channel's
 * keys fall among another's (names never contain a zero byte).
 */
final class Keys {
  private static final byte SEPARATOR = 0;

  private Keys() {}

  /** The key of a channel's metadata: its name. */
  static byte[] channel(ChannelName channel) {
    return channel.value().getBytes(StandardCharsets.US_ASCII);
  }

  static ChannelName channelOf(byte[] channelKey) {
    return ChannelName.of(new String(channelKey, StandardCharsets.US_ASCII));
  }

  /** What every message key of {@code channel} starts with. */
  static byte[] messagePrefix(ChannelName channel) {
    byte[] name = channel(channel);
    byte[] prefix = Arrays.copyOf(name, name.length + 1);
    prefix[name.length] = SEPARATOR;
    return prefix;
  }

  static byte[] message(byte[] prefix, long offset) {
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(offset).array();
  }

  /** The offset of a message key that starts with {@code prefix}. */
  static long offsetOf(byte[] messageKey, int prefixLength) {
    return ByteBuffer.wrap(messageKey, prefixLength, Long.BYTES).getLong();
  }

  static boolean hasPrefix(byte[] key, byte[] prefix) {
    return key.length == prefix.length + Long.BYTES && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The key of an idempotency key remembered for {@code channel}. */
  static byte[] idempotency(ChannelName channel, String key) {
    byte[] prefix = messagePrefix(channel);
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] combined = Arrays.copyOf(prefix, prefix.length + keyBytes.length);
    System.arraycopy(keyBytes, 0, combined, prefix.length, keyBytes.length);
    return combined;
  }

  /** Splits an idempotency record's key into its channel and the client's key. */
  static String[] splitIdempotency(byte[] key) {
    int separator = 0;
    while (key[separator] != SEPARATOR) {
      separator++;
    }
    return new String[] {
        new String(key, 0, separator, StandardCharsets.US_ASCII),
        new String(key, separator + 1, key.length - separator - 1, StandardCharsets.UTF_8)};
  }
}

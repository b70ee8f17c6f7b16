package io.switchboard.core.session;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A server-held subscription: what it subscribes to, the position acknowledged so far, and when it
 * was last used. Immutable; every change is a new record that the {@link Sessions} service stores.
 *
 * @param id the opaque id the client holds
 * @param patterns the channels and patterns it subscribes to
 * @param position where the next read starts: after everything acknowledged
 * @param createdAt epoch milliseconds
 * @param lastActiveAt epoch milliseconds of the last use that was recorded
 * @param idleTimeoutMillis how long the session lives unused
 * @param owner the subject of the token that created it; empty when created without one, or with
 *     authentication off
 */
public record Session(String id, List<ChannelPattern> patterns, StreamCursor position, long createdAt, long lastActiveAt,
    long idleTimeoutMillis, String owner) {
  /** Format 1 had no owner; it is still read, as a session of nobody in particular. */
  private static final byte FORMAT_WITHOUT_OWNER = 1;
  private static final byte FORMAT = 2;

  public Session {
    Objects.requireNonNull(id, "id");
    patterns = List.copyOf(patterns);
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(owner, "owner");
  }

  /** Epoch milliseconds at which the session is gone unless used before. */
  public long expiresAt() {
    return lastActiveAt + idleTimeoutMillis;
  }

  public boolean isExpiredAt(long now) {
    return now >= expiresAt();
  }

  /** Whether the session subscribes to {@code channel}. */
  public boolean covers(ChannelName channel) {
    return patterns.stream().anyMatch(pattern -> pattern.matches(channel));
  }

  public Session withPosition(StreamCursor newPosition, long now) {
    return new Session(id, patterns, newPosition, createdAt, now, idleTimeoutMillis, owner);
  }

  public Session usedAt(long now) {
    return new Session(id, patterns, position, createdAt, now, idleTimeoutMillis, owner);
  }

  /** The record as bytes, for engines that store bytes; {@link #decode} reads it back. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(id);
      out.writeLong(createdAt);
      out.writeLong(lastActiveAt);
      out.writeLong(idleTimeoutMillis);
      out.writeShort(patterns.size());
      for (ChannelPattern pattern : patterns) {
        out.writeUTF(pattern.value());
      }
      out.writeUTF(position.encode());
      out.writeUTF(owner);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a session record of a known format
   */
  public static Session decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_OWNER) {
        throw new IllegalArgumentException("a stored session has format " + format + ", which this version cannot read");
      }
      String id = in.readUTF();
      long createdAt = in.readLong();
      long lastActiveAt = in.readLong();
      long idleTimeoutMillis = in.readLong();
      int count = in.readUnsignedShort();
      List<ChannelPattern> patterns = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        patterns.add(ChannelPattern.of(in.readUTF()));
      }
      StreamCursor position = StreamCursor.parse(in.readUTF());
      String owner = format == FORMAT ? in.readUTF() : "";
      return new Session(id, patterns, position, createdAt, lastActiveAt, idleTimeoutMillis, owner);
    } catch (IOException | RuntimeException damaged) {
      throw new IllegalArgumentException("a stored session record is damaged: " + damaged.getMessage(), damaged);
    }
  }
}

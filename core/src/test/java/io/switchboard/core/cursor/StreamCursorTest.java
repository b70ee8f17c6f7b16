package io.switchboard.core.cursor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.message.Message;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamCursorTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final ChannelName CHAT = ChannelName.of("chat.room-1");
  private static final long SINCE = 1_704_067_200_000L;

  private static Message message(ChannelName channel, long epoch, long offset) {
    return new Message(channel, Cursor.of(channel, epoch, offset), SINCE, "m" + offset, Optional.empty());
  }

  private static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] bytesOf(String text) {
    return Base64.getUrlDecoder().decode(text);
  }

  /** Writes the documented wire form by hand, so tests can build cursors the encoder never would. */
  private static final class WireForm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    WireForm header(int version, long since, int count) {
      out.write(version);
      out.writeBytes(ByteBuffer.allocate(8).putLong(since).array());
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) count).array());
      return this;
    }

    WireForm channel(byte[] name, long epoch, long offset) {
      out.write(name.length);
      out.writeBytes(name);
      for (int shift = 48; shift >= 0; shift -= 8) {
        out.write((int) (epoch >>> shift) & 0xff);
      }
      out.writeBytes(ByteBuffer.allocate(8).putLong(offset).array());
      return this;
    }

    WireForm channel(String name, long epoch, long offset) {
      return channel(name.getBytes(StandardCharsets.ISO_8859_1), epoch, offset);
    }

    String text() {
      return base64url(out.toByteArray());
    }
  }

  @Test
  void aCursorSinceATimeHasNoPositionsAndSurvivesItsStringForm() {
    StreamCursor cursor = StreamCursor.since(SINCE);

    StreamCursor parsed = StreamCursor.parse(cursor.encode());

    assertThat(parsed).isEqualTo(cursor);
    assertThat(parsed.since()).isEqualTo(SINCE);
    assertThat(parsed.positions()).isEmpty();
    assertThat(cursor).hasToString(cursor.encode());
  }

  @Test
  void theStringFormIsBase64urlWithoutPadding() {
    StreamCursor cursor = StreamCursor.since(SINCE).after(message(ORDERS, 9, 1)).after(message(CHAT, 3, 17));

    assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void afterAMessageTheCursorHoldsItsIdAndLeavesTheOriginalUnchanged() {
    StreamCursor empty = StreamCursor.since(SINCE);
    Message first = message(ORDERS, 9, 1);

    StreamCursor moved = empty.after(first);

    assertThat(moved.positions()).containsExactly(Map.entry(ORDERS, first.id()));
    assertThat(moved.since()).isEqualTo(SINCE);
    assertThat(empty.positions()).isEmpty();
  }

  @Test
  void afterAnotherMessageOfAKnownChannelItsPositionMovesToTheMostRecentEnd() {
    StreamCursor cursor = StreamCursor.since(SINCE)
        .after(message(ORDERS, 9, 1))
        .after(message(CHAT, 3, 1))
        .after(message(ORDERS, 9, 2));

    assertThat(cursor.positions()).containsExactly(
        Map.entry(CHAT, Cursor.of(CHAT, 3, 1)),
        Map.entry(ORDERS, Cursor.of(ORDERS, 9, 2)));
  }

  @Test
  void positionsCannotBeChangedFromOutside() {
    StreamCursor cursor = StreamCursor.since(SINCE).after(message(ORDERS, 9, 1));

    assertThatThrownBy(() -> cursor.positions().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void itKeepsAtMostMaxChannelsDroppingTheLeastRecentlyDelivered() {
    StreamCursor cursor = StreamCursor.since(SINCE);
    for (int i = 0; i < StreamCursor.MAX_CHANNELS; i++) {
      cursor = cursor.after(message(ChannelName.of("c." + i), 5, 1));
    }
    // Channel c.0 is delivered again, so c.1 becomes the least recently delivered.
    cursor = cursor.after(message(ChannelName.of("c.0"), 5, 2));

    cursor = cursor.after(message(ChannelName.of("c.new"), 5, 1));

    assertThat(cursor.positions()).hasSize(StreamCursor.MAX_CHANNELS);
    assertThat(cursor.positions()).doesNotContainKey(ChannelName.of("c.1"));
    assertThat(cursor.positions()).containsEntry(ChannelName.of("c.0"), Cursor.of(ChannelName.of("c.0"), 5, 2));
    assertThat(cursor.positions()).containsKey(ChannelName.of("c.new"));
    assertThat(StreamCursor.parse(cursor.encode())).isEqualTo(cursor);
  }

  @Test
  void theLargestCursorSurvivesItsStringFormWithItsOrder() {
    StreamCursor cursor = StreamCursor.since(Long.MAX_VALUE - 1);
    List<ChannelName> order = new ArrayList<>();
    for (int i = 0; i < StreamCursor.MAX_CHANNELS; i++) {
      // 255 characters: the longest name, each one distinct.
      ChannelName channel = ChannelName.of("x".repeat(ChannelName.MAX_LENGTH - 4) + String.format(".%03d", i));
      assertThat(channel.value()).hasSize(ChannelName.MAX_LENGTH);
      order.add(channel);
      long offset = i % 2 == 0 ? Long.MAX_VALUE : i;
      cursor = cursor.after(new Message(channel, Cursor.of(channel, Cursor.MAX_EPOCH, offset), 0, "", Optional.empty()));
    }

    StreamCursor parsed = StreamCursor.parse(cursor.encode());

    assertThat(parsed).isEqualTo(cursor);
    assertThat(parsed.since()).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(new ArrayList<>(parsed.positions().keySet())).isEqualTo(order);
    assertThat(parsed.positions().get(order.get(0))).isEqualTo(Cursor.of(order.get(0), Cursor.MAX_EPOCH, Long.MAX_VALUE));
    assertThat(parsed.encode()).isEqualTo(cursor.encode());
  }

  @Test
  void manyChannelsOfEveryKindSurviveTheStringForm() {
    StreamCursor cursor = StreamCursor.since(0)
        .after(message(ORDERS, 1, 0))
        .after(new Message(CHAT, Cursor.of(CHAT, Cursor.ANY_EPOCH, 0), 0, "", Optional.empty()))
        .after(message(ChannelName.of("a"), Cursor.MAX_EPOCH, 1))
        .after(message(ChannelName.of("A-Z_0.9"), 123_456_789, 987_654_321));

    assertThat(StreamCursor.parse(cursor.encode())).isEqualTo(cursor);
  }

  @Test
  void aHandWrittenCursorInTheDocumentedFormParses() {
    String text = new WireForm().header(1, SINCE, 2).channel("orders.42", 9, 3).channel("chat.room-1", 3, 0).text();

    StreamCursor parsed = StreamCursor.parse(text);

    assertThat(parsed.since()).isEqualTo(SINCE);
    assertThat(parsed.positions()).containsExactly(
        Map.entry(ORDERS, Cursor.of(ORDERS, 9, 3)),
        Map.entry(CHAT, Cursor.of(CHAT, 3, 0)));
    assertThat(parsed.encode()).isEqualTo(text);
  }

  @Test
  void nullIsNotAStreamCursor() {
    assertRejected(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "!!!!", "AQ+/AAAAAAAAAA", "AQAAAAAAAAAAAA==x", "A", "AQ AAAAAAAAAAA", "é"})
  void textThatIsNotBase64urlIsNotAStreamCursor(String text) {
    assertRejected(text);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 255})
  void anotherVersionIsNotAStreamCursor(int version) {
    assertRejected(new WireForm().header(version, SINCE, 0).text());
  }

  @Test
  void truncatedBytesAreNotAStreamCursor() {
    byte[] valid = bytesOf(StreamCursor.since(SINCE).after(message(ORDERS, 9, 3)).after(message(CHAT, 3, 1)).encode());
    for (int length = 0; length < valid.length; length++) {
      assertRejected(base64url(Arrays.copyOf(valid, length)));
    }
  }

  @Test
  void trailingBytesAreNotAStreamCursor() {
    byte[] valid = bytesOf(StreamCursor.since(SINCE).after(message(ORDERS, 9, 3)).encode());
    byte[] longer = Arrays.copyOf(valid, valid.length + 1);

    assertRejected(base64url(longer));
    assertRejected(new WireForm().header(1, SINCE, 0).channel("orders.42", 9, 3).text());
  }

  @Test
  void moreThanMaxChannelsIsNotAStreamCursor() {
    WireForm form = new WireForm().header(1, SINCE, StreamCursor.MAX_CHANNELS + 1);
    for (int i = 0; i <= StreamCursor.MAX_CHANNELS; i++) {
      form.channel("c." + i, 5, 1);
    }

    assertRejected(form.text());
    assertRejected(new WireForm().header(1, SINCE, 0xffff).text());
  }

  @Test
  void theSameChannelTwiceIsNotAStreamCursor() {
    assertRejected(new WireForm().header(1, SINCE, 2).channel("orders.42", 9, 3).channel("orders.42", 9, 4).text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bad name", "a..b", ".a", "a.", "orders.*", "orders.>", "caf\u00e9", "\u00ff\u00fe", "nul\u0000"})
  void anInvalidChannelNameIsNotAStreamCursor(String name) {
    assertRejected(new WireForm().header(1, SINCE, 1).channel(name, 9, 3).text());
  }

  @Test
  void aNameLongerThanTheMaximumIsNotAStreamCursor() {
    byte[] name = "x".repeat(ChannelName.MAX_LENGTH + 1).getBytes(StandardCharsets.US_ASCII);
    // The length byte wraps to 0: the bytes that follow cannot line up as a channel.
    assertRejected(new WireForm().header(1, SINCE, 1).channel(name, 9, 3).text());
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE})
  void aNegativeOffsetIsNotAStreamCursor(long offset) {
    assertRejected(new WireForm().header(1, SINCE, 1).channel("orders.42", 9, offset).text());
  }

  @Test
  void epochZeroPastOffsetZeroIsNotAStreamCursor() {
    assertRejected(new WireForm().header(1, SINCE, 1).channel("orders.42", Cursor.ANY_EPOCH, 1).text());
    assertThat(StreamCursor.parse(new WireForm().header(1, SINCE, 1).channel("orders.42", Cursor.ANY_EPOCH, 0).text())
        .positions()).containsEntry(ORDERS, Cursor.of(ORDERS, Cursor.ANY_EPOCH, 0));
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE})
  void aNegativeSinceIsNotAStreamCursor(long since) {
    assertRejected(new WireForm().header(1, since, 0).text());
  }

  @Test
  void overlyLongTextIsRejectedBeforeDecoding() {
    assertRejected("A".repeat(100_000));
    assertRejected("A".repeat(10_000_000));
  }

  @Test
  void theErrorMessageQuotesTheTextSafely() {
    assertThatThrownBy(() -> StreamCursor.parse("bad\ncursor"))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"bad\\u000acursor\"")
        .hasMessageContaining("is not a subscription cursor");
  }

  @Test
  void randomBytesEitherParseOrAreRejectedAsInvalidInput() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = 1; // the right version, so parsing goes further
      }
      parseOrReject(base64url(bytes));
    }
  }

  @Test
  void mutatedCursorsEitherParseOrAreRejectedAsInvalidInput() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \u00e9\u0000";
    StreamCursor valid = StreamCursor.since(SINCE)
        .after(message(ORDERS, 9, 3))
        .after(message(CHAT, Cursor.MAX_EPOCH, 1))
        .after(message(ChannelName.of("a.b.c"), 1, 0));
    String text = valid.encode();
    byte[] bytes = bytesOf(text);
    for (int i = 0; i < 5_000; i++) {
      String mutated;
      switch (random.nextInt(4)) {
        case 0 -> {
          // Flip bits of a few bytes: lengths, counts, epochs and offsets go wrong in every way.
          byte[] copy = bytes.clone();
          for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
          }
          mutated = base64url(copy);
        }
        case 1 -> {
          char[] chars = text.toCharArray();
          chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
          mutated = new String(chars);
        }
        case 2 -> {
          int at = random.nextInt(text.length() + 1);
          mutated = text.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + text.substring(at);
        }
        default -> {
          int from = random.nextInt(text.length());
          int to = from + random.nextInt(text.length() - from + 1);
          mutated = text.substring(0, from) + text.substring(to);
        }
      }
      parseOrReject(mutated);
    }
  }

  private static void assertRejected(String text) {
    assertThatThrownBy(() -> StreamCursor.parse(text))
        .as("parse(%s)", text)
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a subscription cursor");
  }

  /** Parses, or expects exactly the client-facing rejection; what parses must survive its own string form. */
  private static void parseOrReject(String text) {
    StreamCursor parsed;
    try {
      parsed = StreamCursor.parse(text);
    } catch (InvalidInputException rejected) {
      return;
    } catch (RuntimeException other) {
      throw new AssertionError("parse(\"" + text + "\") threw " + other + " instead of InvalidInputException", other);
    }
    if (!StreamCursor.parse(parsed.encode()).equals(parsed)) {
      fail("parse(\"%s\") gave %s, which does not survive its own string form", text, parsed.positions());
    }
  }
}

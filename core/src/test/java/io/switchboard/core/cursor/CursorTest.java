package io.switchboard.core.cursor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final ChannelName CHAT = ChannelName.of("chat.room-1");

  /** CRC32C("orders.42"), computed with a bitwise CRC-32C (polynomial 0x82F63B78) outside Java. */
  private static final int ORDERS_TAG = 0x39902c97;

  /** The wire form of (tag of orders.42, epoch 1, offset 42): version 1, tag, 7-byte epoch, 8-byte offset, base32hex. */
  private static final String ORDERS_EPOCH_1_OFFSET_42 = "04sp0b4n00000000000g00000000001a";

  static List<Arguments> cursors() {
    return List.of(
        Arguments.of(Cursor.of(ORDERS, 1, 1)),
        Arguments.of(Cursor.of(ORDERS, 1, 0)),
        Arguments.of(Cursor.of(ORDERS, Cursor.ANY_EPOCH, 0)),
        Arguments.of(Cursor.of(ORDERS, Cursor.MAX_EPOCH, 0)),
        Arguments.of(Cursor.of(ORDERS, Cursor.MAX_EPOCH, Long.MAX_VALUE)),
        Arguments.of(Cursor.of(CHAT, 123_456_789_012L, 987_654_321L)),
        Arguments.of(new Cursor(Integer.MIN_VALUE, 7, 7)),
        Arguments.of(new Cursor(-1, Cursor.MAX_EPOCH, Long.MAX_VALUE)),
        Arguments.of(new Cursor(0, 0, 0)));
  }

  @ParameterizedTest
  @MethodSource("cursors")
  void encodeThenParseGivesTheSameCursor(Cursor cursor) {
    String text = cursor.encode();

    assertThat(Cursor.parse(text)).isEqualTo(cursor);
    assertThat(cursor).hasToString(text);
  }

  @ParameterizedTest
  @MethodSource("cursors")
  void theStringFormIs32CharactersOfLowerCaseBase32Hex(Cursor cursor) {
    assertThat(cursor.encode()).hasSize(32).matches("[0-9a-v]{32}");
  }

  @Test
  void theStringFormIsStableAcrossVersions() {
    assertThat(Cursor.of(ORDERS, 1, 42).encode()).isEqualTo(ORDERS_EPOCH_1_OFFSET_42);
    assertThat(Cursor.parse(ORDERS_EPOCH_1_OFFSET_42)).isEqualTo(new Cursor(ORDERS_TAG, 1, 42));
  }

  @Test
  void theChannelTagIsTheCrc32cOfTheNameAndStable() {
    CRC32C crc = new CRC32C();
    crc.update("orders.42".getBytes(StandardCharsets.US_ASCII));

    assertThat(Cursor.tagOf(ORDERS)).isEqualTo(ORDERS_TAG).isEqualTo((int) crc.getValue());
    assertThat(Cursor.tagOf(CHAT)).isEqualTo(0xdaed5d06);
    assertThat(Cursor.tagOf(ChannelName.of("a"))).isEqualTo(0xc1d04330);
    assertThat(Cursor.tagOf(ChannelName.of("orders.42"))).isEqualTo(Cursor.tagOf(ORDERS));
  }

  @Test
  void idsOfOneChannelIncarnationSortAsStringsInOffsetOrder() {
    SplittableRandom random = new SplittableRandom(20240101);
    long epoch = random.nextLong(1, Cursor.MAX_EPOCH + 1);
    List<Cursor> cursors = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      // Mix small offsets, offsets around byte and digit boundaries, and any positive long.
      long offset = switch (i % 3) {
        case 0 -> random.nextLong(0, 1_000);
        case 1 -> (1L << random.nextInt(63)) + random.nextLong(-2, 3);
        default -> random.nextLong(0, Long.MAX_VALUE);
      };
      cursors.add(Cursor.of(ORDERS, epoch, Math.max(0, offset)));
    }
    cursors.add(Cursor.of(ORDERS, epoch, Long.MAX_VALUE));
    cursors.add(Cursor.of(ORDERS, epoch, 0));

    List<Cursor> byString = new ArrayList<>(cursors);
    byString.sort(Comparator.comparing(Cursor::encode));
    List<Cursor> byOffset = new ArrayList<>(cursors);
    byOffset.sort(Comparator.comparingLong(Cursor::offset));

    assertThat(byString).extracting(Cursor::offset).containsExactlyElementsOf(byOffset.stream().map(Cursor::offset).toList());
  }

  @Test
  void consecutiveOffsetsSortAsStrings() {
    for (long offset = 0; offset < 2_000; offset++) {
      assertThat(Cursor.of(ORDERS, 9, offset).encode()).isLessThan(Cursor.of(ORDERS, 9, offset + 1).encode());
    }
  }

  @Test
  void parseRejectsNull() {
    assertThatThrownBy(() -> Cursor.parse(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("(none)")
        .hasMessageContaining("is not a cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "04sp0b4n00000000000g00000000001",    // 31 characters
      "04sp0b4n00000000000g00000000001a0",  // 33 characters
      "04SP0B4N00000000000G00000000001A",   // upper case
      "04sp0b4n00000000000g00000000001w",   // 'w' is outside base32hex
      "04sp0b4n00000000000g0000000000-a",
      "04sp0b4n00000000000g0000000000 a",
      "04sp0b4n00000000000g0000000000\u00e9a",
      "08sp0b4n00000000000g00000000001a",   // version byte 2
      "00sp0b4n00000000000g00000000001a",   // version byte 0
      "04sp0b4n00000000000vvvvvvvvvvvvv",   // offset -1
      "04sp0b4n00000000000g00000000001a\n",
  })
  void parseRejectsWhatIsNotACursorThisServerIssues(String text) {
    assertThatThrownBy(() -> Cursor.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a cursor")
        .hasMessageNotContaining("\n");
  }

  @Test
  void parseNamesTheOffendingTextAndTheRule() {
    assertThatThrownBy(() -> Cursor.parse("not-a-cursor"))
        .hasMessage("\"not-a-cursor\" is not a cursor: use the id of a message or the \"next\" of an answer, unchanged");
  }

  @Test
  void parseShowsLongOrUnprintableTextSafely() {
    assertThatThrownBy(() -> Cursor.parse("x".repeat(1_000)))
        .hasMessageStartingWith("\"" + "x".repeat(64) + "...\"");
    assertThatThrownBy(() -> Cursor.parse("a\r\nb"))
        .hasMessageStartingWith("\"a\\u000d\\u000ab\"");
  }

  @Test
  void parseForAChannelAcceptsItsOwnCursors() {
    Cursor cursor = Cursor.of(ORDERS, 5, 77);

    assertThat(Cursor.parse(cursor.encode(), ORDERS)).isEqualTo(cursor);
  }

  @Test
  void parseForAChannelRejectsACursorOfAnotherChannel() {
    String chatCursor = Cursor.of(CHAT, 5, 77).encode();

    assertThatThrownBy(() -> Cursor.parse(chatCursor, ORDERS))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cursor " + chatCursor + " belongs to another channel than orders.42");
  }

  @Test
  void parseForAChannelStillRejectsMalformedText() {
    assertThatThrownBy(() -> Cursor.parse("garbage", ORDERS))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a cursor");
  }

  @Test
  void theConstructorRejectsEpochsAndOffsetsOutOfRange() {
    assertThatThrownBy(() -> new Cursor(0, -1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch -1");
    assertThatThrownBy(() -> new Cursor(0, Cursor.MAX_EPOCH + 1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch " + (Cursor.MAX_EPOCH + 1));
    assertThatThrownBy(() -> new Cursor(0, 1, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -1");
  }

  @Test
  void startIsOffsetZeroOfTheChannelInTheGivenEpoch() {
    assertThat(Cursor.start(ORDERS, 3)).isEqualTo(new Cursor(ORDERS_TAG, 3, 0));
  }

  @Test
  void withOffsetKeepsChannelAndEpoch() {
    assertThat(Cursor.of(ORDERS, 3, 10).withOffset(11)).isEqualTo(Cursor.of(ORDERS, 3, 11));
  }

  @Test
  void aCursorIsFromItsOwnEpochAndAnAnyEpochCursorIsFromEvery() {
    assertThat(Cursor.of(ORDERS, 3, 10).isFromEpoch(3)).isTrue();
    assertThat(Cursor.of(ORDERS, 3, 10).isFromEpoch(4)).isFalse();
    assertThat(Cursor.of(ORDERS, Cursor.ANY_EPOCH, 0).isFromEpoch(4)).isTrue();
    assertThat(Cursor.of(ORDERS, Cursor.ANY_EPOCH, 0).isFromEpoch(Cursor.MAX_EPOCH)).isTrue();
  }

  @Test
  void aPositionWithoutALogExistsOnlyAtOffsetZero() {
    assertThatThrownBy(() -> Cursor.of(ORDERS, Cursor.ANY_EPOCH, 1)).isInstanceOf(IllegalArgumentException.class);
    // Characters 0-18 carry bits 0-94 (version, tag, epoch but its lowest bit); 19-31 the rest.
    // Epoch 2 has its lowest bit clear, so splicing yields epoch 0 with offset 7: never issued.
    String anyEpochAtSeven = Cursor.start(ORDERS, Cursor.ANY_EPOCH).encode().substring(0, 19)
        + Cursor.of(ORDERS, 2, 7).encode().substring(19);
    assertThatThrownBy(() -> Cursor.parse(anyEpochAtSeven)).isInstanceOf(InvalidInputException.class);
  }
}

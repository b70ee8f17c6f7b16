package io.switchboard.core.cursor;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.message.Message;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.LongRange;

/**
 * Cursors and stream cursors are what clients send back most often, and they are opaque: any text
 * may arrive where one is expected. Each parses to a cursor whose string form parses back to it,
 * or is refused with {@link InvalidInputException}.
 */
class CursorPropertiesTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final String BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

  @Property(tries = 500)
  void anyTextIsACursorThatRoundTripsOrACleanRefusal(@ForAll("cursorText") String text) {
    Cursor cursor;
    try {
      cursor = Cursor.parse(text);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    // 32 base32hex characters are exactly the 20 bytes of a cursor: the string form is canonical.
    assertThat(cursor.encode()).isEqualTo(text);
    assertThat(Cursor.parse(cursor.encode())).isEqualTo(cursor);
  }

  @Property(tries = 200)
  void anyTextForAChannelIsOneOfItsCursorsOrACleanRefusal(@ForAll("cursorText") String text) {
    Cursor cursor;
    try {
      cursor = Cursor.parse(text, ORDERS);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(cursor.channelTag()).isEqualTo(Cursor.tagOf(ORDERS));
  }

  @Property(tries = 300)
  void everyCursorParsesBackFromItsStringForm(@ForAll int tag, @ForAll @LongRange(min = 1, max = Cursor.MAX_EPOCH) long epoch,
      @ForAll @LongRange(min = 0) long offset) {
    Cursor cursor = new Cursor(tag, epoch, offset);

    assertThat(cursor.encode()).hasSize(32).matches("[0-9a-v]+");
    assertThat(Cursor.parse(cursor.encode())).isEqualTo(cursor);
  }

  @Property(tries = 300)
  void withinOneIncarnationIdsSortAsStringsInOffsetOrder(@ForAll("validNames") String channel,
      @ForAll @LongRange(min = 1, max = Cursor.MAX_EPOCH) long epoch, @ForAll @LongRange(min = 0) long first,
      @ForAll @LongRange(min = 0) long second) {
    ChannelName name = ChannelName.of(channel);
    String a = Cursor.of(name, epoch, first).encode();
    String b = Cursor.of(name, epoch, second).encode();

    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Long.signum(Long.compare(first, second)));
  }

  @Property(tries = 200)
  void aCursorOfAnotherChannelIsRefusedCleanly(@ForAll("validNames") String mine, @ForAll("validNames") String other,
      @ForAll @LongRange(min = 1, max = Cursor.MAX_EPOCH) long epoch, @ForAll @LongRange(min = 0) long offset) {
    ChannelName myChannel = ChannelName.of(mine);
    ChannelName otherChannel = ChannelName.of(other);
    Assume.that(Cursor.tagOf(myChannel) != Cursor.tagOf(otherChannel));
    String theirs = Cursor.of(otherChannel, epoch, offset).encode();

    try {
      Cursor.parse(theirs, myChannel);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    throw new AssertionError("a cursor of " + other + " was accepted for " + mine);
  }

  @Property(tries = 500)
  void anyTextIsAStreamCursorThatRoundTripsOrACleanRefusal(@ForAll("streamCursorText") String text) {
    StreamCursor cursor;
    try {
      cursor = StreamCursor.parse(text);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(StreamCursor.parse(cursor.encode())).isEqualTo(cursor);
    assertThat(cursor.positions()).hasSizeLessThanOrEqualTo(StreamCursor.MAX_CHANNELS);
    assertThat(cursor.since()).isNotNegative();
  }

  @Property(tries = 200)
  void everyStreamCursorParsesBackFromItsStringForm(@ForAll("streamCursors") StreamCursor cursor) {
    assertThat(StreamCursor.parse(cursor.encode())).isEqualTo(cursor);
  }

  @Provide
  Arbitrary<String> cursorText() {
    Arbitrary<String> valid = cursors().map(Cursor::encode);
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(2, HostileInput.text()),
        Tuple.of(2, Arbitraries.strings().withChars(BASE32HEX).ofLength(32)),
        // Versions start "04"; other valid-looking text has another version.
        Tuple.of(2, Arbitraries.strings().withChars(BASE32HEX).ofLength(30).map(rest -> "04" + rest)),
        Tuple.of(1, valid),
        Tuple.of(3, valid.flatMap(CursorPropertiesTest::damaged))));
  }

  @Provide
  Arbitrary<String> streamCursorText() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<String> valid = streamCursors().map(StreamCursor::encode);
    Arbitrary<String> damagedBytes = streamCursors().flatMap(cursor -> {
      byte[] good = Base64.getUrlDecoder().decode(cursor.encode());
      return Arbitraries.integers().between(0, good.length - 1).flatMap(at -> Arbitraries.bytes().map(value -> {
        byte[] bad = good.clone();
        bad[at] = value;
        return base64url(bad);
      }));
    });
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(2, HostileInput.text()),
        Tuple.of(2, bytes.map(CursorPropertiesTest::base64url)),
        Tuple.of(1, bytes.map(raw -> Base64.getUrlEncoder().encodeToString(raw))),
        Tuple.of(1, valid),
        Tuple.of(2, valid.flatMap(CursorPropertiesTest::damaged)),
        Tuple.of(2, damagedBytes)));
  }

  @Provide
  Arbitrary<StreamCursor> streamCursors() {
    Arbitrary<Message> messages = Combinators.combine(validNames(), Arbitraries.longs().between(1, Cursor.MAX_EPOCH),
        Arbitraries.longs().greaterOrEqual(1)).as((channel, epoch, offset) -> {
          ChannelName name = ChannelName.of(channel);
          return new Message(name, Cursor.of(name, epoch, offset), 0, "", Optional.empty());
        });
    return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), messages.list().ofMaxSize(6)).as((since, delivered) -> {
      StreamCursor cursor = StreamCursor.since(since);
      for (Message message : delivered) {
        cursor = cursor.after(message);
      }
      return cursor;
    });
  }

  @Provide
  Arbitrary<String> validNames() {
    Arbitrary<String> segment = Arbitraries.strings().withChars("abAB09_-").ofMinLength(1).ofMaxLength(12);
    return segment.list().ofMinSize(1).ofMaxSize(4).map(segments -> String.join(".", segments));
  }

  private static Arbitrary<Cursor> cursors() {
    return Combinators.combine(Arbitraries.integers(), Arbitraries.longs().between(1, Cursor.MAX_EPOCH),
        Arbitraries.longs().greaterOrEqual(0)).as(Cursor::new);
  }

  /** {@code good} with one character replaced, removed or added, or cut short. */
  private static Arbitrary<String> damaged(String good) {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, good.length() - 1);
    Arbitrary<Character> odd = Arbitraries.oneOf(Arbitraries.chars().with(BASE32HEX + "wxyzAV=-_+/ \u0000é"), Arbitraries.chars());
    return Arbitraries.oneOf(
        Combinators.combine(at, odd).as((i, c) -> good.substring(0, i) + c + good.substring(i + 1)),
        Combinators.combine(at, odd).as((i, c) -> good.substring(0, i) + c + good.substring(i)),
        at.map(i -> good.substring(0, i) + good.substring(i + 1)),
        at.map(i -> good.substring(0, i)));
  }

  private static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

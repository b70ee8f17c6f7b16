package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.ServerFixture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input is normal input: every bad name, cursor, parameter or body is a 400 problem that
 * says what was wrong, and nothing is stored.
 */
class BadInputTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  static Stream<Arguments> badChannelNames() {
    return Stream.of(
        Arguments.of("a..b", "empty segment"),
        Arguments.of(".a", "empty segment"),
        Arguments.of("a.", "empty segment"),
        Arguments.of("a".repeat(256), "longer than 255"),
        Arguments.of("orders.*", "'*'"),
        Arguments.of("orders.%3E", "'>'"),
        Arguments.of("a%20b", "' '"),
        Arguments.of("caf%C3%A9", "U+00E9"));
  }

  @ParameterizedTest(name = "publish to \"{0}\"")
  @MethodSource("badChannelNames")
  void publishToABadChannelNameIsRefusedWith400(String channel, String namedInDetail) {
    String detail = api.publish(channel, "x").expectProblem(400);

    assertThat(detail).contains(namedInDetail);
  }

  @ParameterizedTest(name = "read from \"{0}\"")
  @MethodSource("badChannelNames")
  void readFromABadChannelNameIsRefusedWith400(String channel, String namedInDetail) {
    assertThat(api.read(channel, "from=earliest").expectProblem(400)).contains(namedInDetail);
    assertThat(api.read(channel, "wait=1").expectProblem(400)).contains(namedInDetail);
  }

  @ParameterizedTest(name = "describe \"{0}\"")
  @MethodSource("badChannelNames")
  void describeABadChannelNameIsRefusedWith400(String channel, String namedInDetail) {
    assertThat(api.get("/v1/channels/" + channel).expectProblem(400)).contains(namedInDetail);
  }

  @Test
  void channelNameOf255CharactersIsAccepted() {
    String channel = "a".repeat(200) + "." + "b".repeat(54);

    api.publish(channel, "x").expect(201);

    assertThat(api.readAll(channel)).hasSize(1);
  }

  @Test
  void listingAfterABadChannelNameIsRefusedWith400() {
    api.get("/v1/channels?after=a..b").expectProblem(400);
  }

  static Stream<Arguments> badReadParameters() {
    String someCursor = Cursor.of(ChannelName.of("bad-reads"), 7, 1).encode();
    return Stream.of(
        Arguments.of("limit=0", "limit"),
        Arguments.of("limit=1001", "limit"),
        Arguments.of("limit=abc", "limit"),
        Arguments.of("limit=-1", "limit"),
        Arguments.of("limit=", "limit"),
        Arguments.of("limit=99999999999999999999", "limit"),
        Arguments.of("limit=1&limit=2", "once"),
        Arguments.of("wait=0", "wait"),
        Arguments.of("wait=61", "wait"),
        Arguments.of("wait=1.5", "wait"),
        Arguments.of("wait=abc", "wait"),
        Arguments.of("from=bogus", "from"),
        Arguments.of("from=", "from"),
        Arguments.of("from=earliest&after=" + someCursor, "either after or from"),
        Arguments.of("after=" + someCursor + "&after=" + someCursor, "once"),
        Arguments.of("after=garbage", "not a cursor"),
        Arguments.of("after=", "not a cursor"),
        Arguments.of("after=" + someCursor.toUpperCase(), "not a cursor"),
        Arguments.of("after=" + someCursor + "0", "not a cursor"),
        Arguments.of("after=" + someCursor.substring(1), "not a cursor"),
        Arguments.of("after=" + "w".repeat(32), "not a cursor"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReadParameters")
  void badReadParameterIsRefusedWith400(String query, String namedInDetail) {
    assertThat(api.read("bad-reads", query).expectProblem(400)).contains(namedInDetail);
  }

  @ParameterizedTest(name = "long poll with {0}")
  @MethodSource("badReadParameters")
  void badReadParameterOfALongPollIsRefusedAtOnceWith400(String query, String namedInDetail) {
    String withWait = query.contains("wait=") ? query : query + "&wait=30";
    assertThat(api.read("bad-reads", withWait).expectProblem(400)).contains(namedInDetail);
    assertThat(api.subscribers("bad-reads", "long-poll")).isZero();
  }

  @Test
  void cursorOfAnotherVersionIsRefusedWith400() {
    String channel = uniqueChannel("version");
    String id = api.publishedId(channel, "x");
    // The first character holds the top bits of the version byte: '1' turns version 1 into 9.
    assertThat(id).startsWith("0");
    String otherVersion = "1" + id.substring(1);

    assertThat(api.read(channel, "after=" + otherVersion).expectProblem(400)).contains("not a cursor");
  }

  @Test
  void cursorOfAnotherChannelIsRefusedWith400() {
    String channel = uniqueChannel("mine");
    String otherChannel = uniqueChannel("theirs");
    api.publish(channel, "mine").expect(201);
    String foreign = api.publishedId(otherChannel, "theirs");

    assertThat(api.read(channel, "after=" + foreign).expectProblem(400)).contains("another channel");
    assertThat(api.read(channel, "after=" + foreign + "&wait=5").expectProblem(400)).contains("another channel");
  }

  @Test
  void cursorAheadOfTheChannelsEndIsRefusedWith400() {
    String channel = uniqueChannel("ahead");
    Cursor last = Cursor.parse(api.publishedId(channel, "x"));
    String ahead = Cursor.of(ChannelName.of(channel), last.epoch(), last.offset() + 100).encode();

    assertThat(api.read(channel, "after=" + ahead).expectProblem(400)).contains("ahead");
    assertThat(api.read(channel, "after=" + ahead + "&wait=5").expectProblem(400)).contains("ahead");
    assertThat(api.subscribers(channel, "long-poll")).isZero();
  }

  @Test
  void cursorWithANegativeOffsetIsRefusedWith400() {
    String channel = uniqueChannel("negative");
    Cursor real = Cursor.parse(api.publishedId(channel, "x"));
    ByteBuffer bytes = ByteBuffer.allocate(20).put((byte) 1).putInt(real.channelTag());
    for (int shift = 48; shift >= 0; shift -= 8) {
      bytes.put((byte) (real.epoch() >>> shift));
    }
    bytes.putLong(-1);
    String negative = base32hex(bytes.array());
    assertThat(negative).hasSize(32);

    assertThat(api.read(channel, "after=" + negative).expectProblem(400)).contains("not a cursor");
  }

  static Stream<Arguments> badEventNames() {
    return Stream.of(
        Arguments.of("newline", Api.encode("a\nb")),
        Arguments.of("65 characters", "e".repeat(65)),
        Arguments.of("empty", ""),
        Arguments.of("space", Api.encode("a b")),
        Arguments.of("slash", Api.encode("a/b")),
        Arguments.of("non-ASCII", Api.encode("é")));
  }

  @ParameterizedTest(name = "event name: {0}")
  @MethodSource("badEventNames")
  void badEventNameIsRefusedWith400AndNothingIsStored(String what, String encodedEvent) {
    String channel = uniqueChannel("event");

    String detail = api.publish(channel, "event=" + encodedEvent, new byte[] {'x'}).expectProblem(400);

    assertThat(detail).contains("event");
    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void eventGivenTwiceIsRefusedWith400() {
    String channel = uniqueChannel("event-twice");

    api.publish(channel, "event=a&event=b", new byte[] {'x'}).expectProblem(400);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void eventNameOf64CharactersIsAccepted() {
    String channel = uniqueChannel("event-max");
    String event = "e".repeat(62) + ".:";

    api.publish(channel, "event=" + Api.encode(event), new byte[] {'x'}).expect(201);

    assertThat(api.readAll(channel).get(0).path("event").asText()).isEqualTo(event);
  }

  @Test
  void bodyThatIsNotUtf8IsRefusedWith400AndNothingIsStored() {
    String channel = uniqueChannel("binary");

    String detail = api.publish(channel, "", new byte[] {(byte) 0xC3, (byte) 0x28}).expectProblem(400);

    assertThat(detail).contains("UTF-8");
    assertThat(api.readAll(channel)).isEmpty();
    api.get("/v1/channels/" + channel).expectProblem(404);
  }

  @Test
  void bodyWithALoneSurrogateEncodingIsRefusedWith400() {
    String channel = uniqueChannel("surrogate");
    // CESU-style encoding of U+D800: not valid UTF-8.
    api.publish(channel, "", new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}).expectProblem(400);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void overlongRequestLineIsA414Problem() {
    String detail = api.read("long-line", "after=" + "a".repeat(10_000)).expectProblem(414);

    assertThat(detail).contains("too long");
  }

  @Test
  void oversizedHeadersAreA431Problem() {
    // Over the default limits.header-size of 16 KiB.
    api.send("GET", "/health/live", null, "X-Padding", "p".repeat(20_000)).expectProblem(431);
  }

  @Test
  void requestThatIsNotHttpIsA400Problem() throws Exception {
    RawHttp.exchange(server.server().port(), "THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).expectProblem(400);
  }

  /** Requests that java.net.URI refuses to build, so they go over a plain socket. */
  static Stream<Arguments> malformedPercentEncoding() {
    return Stream.of(
        Arguments.of("GET /v1/channels/%zz/messages"),
        Arguments.of("GET /v1/channels/a%/messages"),
        Arguments.of("GET /v1/channels/a/messages?after=%"),
        Arguments.of("GET /v1/channels/a/messages?after=%zz"),
        Arguments.of("GET /v1/channels/a/messages?from=earliest&limit=%4"),
        Arguments.of("POST /v1/channels/a/messages?event=%zz"),
        Arguments.of("GET /v1/channels/%zz"),
        Arguments.of("GET /v1/channels?after=%"),
        Arguments.of("GET /v1/channels?limit=%zz"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedPercentEncoding")
  void malformedPercentEncodingIsA400Problem(String requestLine) throws Exception {
    String request = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx";

    RawHttp.exchange(server.server().port(), request.getBytes(StandardCharsets.US_ASCII)).expectProblem(400);

    api.get("/health/ready").expect(200);
  }

  @Test
  void idempotencyKeyWithNonAsciiBytesIsRefusedWith400() throws Exception {
    String channel = uniqueChannel("latin1-key");
    byte[] request = ("POST " + Api.messagesPath(channel) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Idempotency-Key: caf\u00e9\r\nContent-Length: 1\r\n\r\nx").getBytes(StandardCharsets.ISO_8859_1);

    RawHttp.exchange(server.server().port(), request).expectProblem(400);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void emptyIdempotencyKeyIsRefusedWith400() throws Exception {
    String channel = uniqueChannel("empty-key");
    byte[] request = ("POST " + Api.messagesPath(channel) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Idempotency-Key:\r\nContent-Length: 1\r\n\r\nx").getBytes(StandardCharsets.US_ASCII);

    RawHttp.exchange(server.server().port(), request).expectProblem(400);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void serverStillServesAfterBadInput() {
    String channel = uniqueChannel("still-up");
    api.publish("a..b", "x").expectProblem(400);
    api.read(channel, "after=garbage").expectProblem(400);

    api.publish(channel, "fine").expect(201);

    assertThat(api.readAll(channel)).hasSize(1);
    api.get("/health/ready").expect(200);
  }

  /** Base32hex, lower case, no padding: the cursor alphabet. */
  private static String base32hex(byte[] bytes) {
    String alphabet = "0123456789abcdefghijklmnopqrstuv";
    StringBuilder out = new StringBuilder();
    long bits = 0;
    int pending = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
      pending += 8;
      while (pending >= 5) {
        pending -= 5;
        out.append(alphabet.charAt((int) (bits >>> pending) & 31));
      }
    }
    return out.toString();
  }
}

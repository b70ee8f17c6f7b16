package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The largest message is counted in bytes of the body; one byte more is a 413 and nothing is stored. */
class MessageSizeLimitTest {
  private static final int SMALL_MAX = 1024;
  private static final int DEFAULT_MAX = 1 << 20;

  @RegisterExtension static final ServerFixture small = ServerFixture.with(settings -> settings.withMaxMessageSize(SMALL_MAX));
  @RegisterExtension static final ServerFixture standard = ServerFixture.withDefaults();

  @Test
  void bodyOneByteOverTheMaximumIsRefusedWith413AndNothingIsStored() {
    Api api = small.api();
    String channel = uniqueChannel("too-big");

    String detail = api.publish(channel, "", ascii(SMALL_MAX + 1)).expectProblem(413);

    assertThat(detail).contains(String.valueOf(SMALL_MAX));
    assertThat(api.readAll(channel)).isEmpty();
    api.get("/v1/channels/" + channel).expectProblem(404);
  }

  @Test
  void bodyOfExactlyTheMaximumIsStoredWhole() {
    Api api = small.api();
    String channel = uniqueChannel("just-fits");
    byte[] body = ascii(SMALL_MAX);

    api.publish(channel, "", body).expect(201);

    List<String> data = api.readAll(channel).stream().map(message -> message.path("data").asText()).toList();
    assertThat(data).containsExactly(new String(body, StandardCharsets.US_ASCII));
  }

  @Test
  void chunkedBodyOverTheMaximumIsRefusedWith413AndNothingIsStored() {
    Api api = small.api();
    String channel = uniqueChannel("chunked-too-big");

    api.publishChunked(channel, ascii(SMALL_MAX + 1)).expectProblem(413);

    assertThat(api.readAll(channel)).isEmpty();
  }

  @Test
  void chunkedBodyOfExactlyTheMaximumIsStored() {
    Api api = small.api();
    String channel = uniqueChannel("chunked-fits");

    api.publishChunked(channel, ascii(SMALL_MAX)).expect(201);

    assertThat(api.readAll(channel).get(0).path("data").asText()).hasSize(SMALL_MAX);
  }

  // The JDK client (17) never completes when a 100-continue request gets a final answer instead of
  // 100, so these two speak HTTP on a plain socket.
  @Test
  void oversizedBodyAnnouncedWithExpectContinueIsRefusedWith413BeforeItIsSent() throws Exception {
    String channel = uniqueChannel("expect-big");

    RawHttp.exchangeExpectingContinue(small.server().port(), expectContinueHead(channel, SMALL_MAX * 4), ascii(SMALL_MAX * 4))
        .expectProblem(413);

    assertThat(small.api().readAll(channel)).isEmpty();
  }

  @Test
  void bodyWithinTheMaximumAnnouncedWithExpectContinueIsInvitedAndStored() throws Exception {
    String channel = uniqueChannel("expect-fits");

    RawHttp.exchangeExpectingContinue(small.server().port(), expectContinueHead(channel, SMALL_MAX), ascii(SMALL_MAX))
        .expect(201);

    assertThat(small.api().readAll(channel)).hasSize(1);
  }

  @Test
  void maximumCountsUtf8BytesNotCharacters() {
    Api api = small.api();
    String channel = uniqueChannel("multibyte");
    // 341 three-byte characters and one ASCII byte: 1,024 bytes in 342 characters.
    String fits = "漢".repeat(341) + "a";
    String tooBig = "漢".repeat(342);

    api.publish(channel, fits).expect(201);
    api.publish(channel, tooBig).expectProblem(413);

    assertThat(api.readAll(channel).stream().map(message -> message.path("data").asText())).containsExactly(fits);
  }

  @Test
  void serverKeepsServingAfterAnOversizedBody() {
    Api api = small.api();
    String channel = uniqueChannel("after-413");
    api.publish(channel, "", ascii(SMALL_MAX * 64)).expectProblem(413);

    api.publish(channel, "small").expect(201);

    assertThat(api.readAll(channel)).hasSize(1);
  }

  @Test
  void defaultMaximumIsOneMebibyte() {
    Api api = standard.api();
    String channel = uniqueChannel("mebibyte");

    api.publish(channel, "", ascii(DEFAULT_MAX + 1)).expectProblem(413);
    assertThat(api.readAll(channel)).isEmpty();

    api.publish(channel, "", ascii(DEFAULT_MAX)).expect(201);
    assertThat(api.readAll(channel).get(0).path("data").asText()).hasSize(DEFAULT_MAX);
  }

  private static String expectContinueHead(String channel, int length) {
    return "POST " + Api.messagesPath(channel) + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Expect: 100-continue\r\n"
        + "Content-Length: " + length + "\r\n"
        + "\r\n";
  }

  private static byte[] ascii(int length) {
    byte[] body = new byte[length];
    Arrays.fill(body, (byte) 'x');
    return body;
  }
}

package io.switchboard.server.sessions;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Everything a client can get wrong on the session endpoints is a problem answer
 * ({@code application/problem+json}) with the status that says what: 400 for a bad body, cursor
 * or parameter, 404 for a session that is not there (whatever the id looks like), 405 with Allow
 * for a wrong method, 413 for a body over 64 KiB; and none of them creates or moves anything.
 */
class SessionBadInputTest {
  private static final int BODY_LIMIT = 64 * 1024;

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final SessionClient sessions = new SessionClient(api);

  private static List<String> patterns(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + ".p" + i).toList();
  }

  /** {@code {"channels":["x"]}} padded with spaces to exactly {@code size} bytes. */
  private static byte[] paddedBody(String json, int size) {
    return (json + " ".repeat(size - json.length())).getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "not json",
      "{\"channels\":[\"a\"]",
      "[\"a.b\"]",
      "\"a.b\"",
      "42",
      "null",
      "{}",
      "{\"channels\":[\"a\"],\"from\":\"earliest\"}",
      "{\"channel\":[\"a\"]}",
      "{\"channels\":\"a.b\"}",
      "{\"channels\":{\"a\":1}}",
      "{\"channels\":null}",
      "{\"channels\":[42]}",
      "{\"channels\":[\"a\",null]}",
      "{\"channels\":[[\"a\"]]}",
      "{\"channels\":[\"a..b\"]}",
      "{\"channels\":[\"\"]}",
      "{\"channels\":[\"a.b*\"]}",
      "{\"channels\":[\"a.>.b\"]}",
      "{\"channels\":[\"caf\u00e9\"]}",
      "{\"channels\":[]}"})
  void badCreateBodyIsA400Problem(String body) {
    sessions.create(body).expectProblem(400);
  }

  @Test
  void emptyCreateBodyIsA400Problem() {
    sessions.create(new byte[0]).expectProblem(400);
  }

  /**
   * Found by JsonRequestsPropertiesTest: a body starting with three zero bytes is read as UTF-32,
   * and its broken characters failed the request with 500.
   */
  @Test
  void createBodyOfBrokenUtf32IsA400Problem() {
    sessions.create(new byte[] {0, 0, 0, -1, 0}).expectProblem(400);
    sessions.create(new byte[] {0, 0, 0, '{', 0x7f, 0, 0, 0}).expectProblem(400);
  }

  @Test
  void moreThan64PatternsAreA400ProblemAnd64AreFine() {
    String prefix = uniqueChannel("many");

    String detail = sessions.create(SessionClient.channelsBody(patterns(prefix, 65))).expectProblem(400);

    assertThat(detail).contains("64");
    assertThat(sessions.create(SessionClient.channelsBody(patterns(prefix, 64))).expectJson(201).path("channels")).hasSize(64);
  }

  @Test
  void problemNamesTheInvalidPattern() {
    assertThat(sessions.create("{\"channels\":[\"ok.one\",\"bad..two\"]}").expectProblem(400)).contains("bad..two");
    assertThat(sessions.create("{\"channels\":[\"a\"],\"chanels\":[]}").expectProblem(400)).contains("chanels");
  }

  @Test
  void createBodyOverSixtyFourKibIsA413ProblemAndExactlySixtyFourKibIsFine() {
    String json = SessionClient.channelsBody(List.of(uniqueChannel("big")));

    String detail = sessions.create(paddedBody(json, BODY_LIMIT + 1)).expectProblem(413);

    assertThat(detail).contains(String.valueOf(BODY_LIMIT));
    sessions.create(paddedBody(json, BODY_LIMIT)).expect(201);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "not json",
      "[]",
      "{}",
      "{\"id\":42}",
      "{\"id\":null}",
      "{\"id\":[\"x\"]}",
      "{\"cursor\":\"x\"}",
      "{\"id\":\"garbage\"}",
      "{\"id\":\"\"}",
      "{\"id\":\"AQ\"}",
      "{\"id\":\"0bsk7c3o9fv0m5ip07e0000000000001\"}"})
  void badAckBodyIsA400ProblemAndMovesNothing(String body) {
    String channel = uniqueChannel("bad-ack");
    String id = sessions.createdId(channel);
    String position = sessions.acknowledged(id);

    sessions.ack(id, body.getBytes(StandardCharsets.UTF_8)).expectProblem(400);

    assertThat(sessions.acknowledged(id)).isEqualTo(position);
  }

  @Test
  void emptyAckBodyIsA400Problem() {
    String id = sessions.createdId(uniqueChannel("empty-ack"));

    sessions.ack(id, new byte[0]).expectProblem(400);
  }

  @Test
  void ackBodyOverSixtyFourKibIsA413Problem() {
    String id = sessions.createdId(uniqueChannel("big-ack"));
    String json = SessionClient.ackBody(sessions.acknowledged(id));

    sessions.ack(id, paddedBody(json, BODY_LIMIT + 1)).expectProblem(413);
    sessions.ack(id, paddedBody(json, BODY_LIMIT)).expect(204);
  }

  @Test
  void malformedCursorOnAReadOrAStreamIsA400Problem() {
    String id = sessions.createdId(uniqueChannel("bad-cursor"));
    String position = sessions.acknowledged(id);

    assertThat(sessions.read(id, "ack=garbage").expectProblem(400)).contains("garbage");
    sessions.read(id, "ack=").expectProblem(400);
    api.get(SessionClient.messagesPath(id), "Accept", "text/event-stream", "Last-Event-ID", "garbage").expectProblem(400);
    api.get(SessionClient.messagesPath(id) + "?ack=garbage", "Accept", "text/event-stream").expectProblem(400);

    assertThat(sessions.acknowledged(id)).isEqualTo(position);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"limit=0", "limit=1001", "limit=x", "wait=0", "wait=61", "wait=soon"})
  void badReadParameterIsA400Problem(String query) {
    String id = sessions.createdId(uniqueChannel("bad-query"));

    sessions.read(id, query).expectProblem(400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"AAAAAAAAAAAAAAAAAAAAAA", "nope", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA!", "a%20b"})
  void unknownOrMalformedSessionIdIsA404ProblemOnEverySessionUrl(String id) {
    String anyCursor = sessions.acknowledged(sessions.createdId(uniqueChannel("real")));

    sessions.describe(id).expectProblem(404);
    sessions.read(id, "").expectProblem(404);
    sessions.read(id, "wait=1&ack=" + Api.encode(anyCursor)).expectProblem(404);
    api.get(SessionClient.messagesPath(id), "Accept", "text/event-stream").expectProblem(404);
    sessions.ack(id, anyCursor).expectProblem(404);
    sessions.delete(id).expectProblem(404);
  }

  @Test
  void idOfALongLengthIsA404ProblemNotAFailure() {
    String id = "A".repeat(2_000);

    sessions.describe(id).expectProblem(404);
    sessions.delete(id).expectProblem(404);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "GET,    /v1/sessions,                         POST",
      "DELETE, /v1/sessions,                         POST",
      "PUT,    /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA,   'GET, DELETE'",
      "POST,   /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA,   'GET, DELETE'",
      "POST,   /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/messages, GET",
      "DELETE, /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/messages, GET",
      "GET,    /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/ack,      POST",
      "PUT,    /v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/ack,      POST"})
  void wrongMethodIsA405ProblemNamingTheAllowedMethods(String method, String path, String allowed) {
    Reply reply = api.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : new byte[] {'{', '}'});

    String detail = reply.expectProblem(405);

    assertThat(reply.header("Allow")).isEqualTo(allowed);
    assertThat(detail).contains(method);
  }
}

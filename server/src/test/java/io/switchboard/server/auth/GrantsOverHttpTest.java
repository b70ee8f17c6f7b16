package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import io.switchboard.server.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Grants as a user meets them over HTTP: where the token may travel, what anonymous callers may do,
 * pattern coverage, sessions that belong to their creator, job channels, and streams that end when
 * their token expires.
 */
class GrantsOverHttpTest {
  private static final String SECRET = AuthMatrixTest.SECRET;

  /** Authentication on, and only {@code public.>} readable without a token. */
  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withAuth(settings.auth().withSecret(SECRET)
      .withAnonymous(List.of(), List.of("public.>"))));

  private static final String ROOT = "Bearer " + Tokens.everything("root").hs256(SECRET);

  private static Api api() {
    return server.api();
  }

  private static String bearer(Tokens tokens) {
    return "Bearer " + tokens.hs256(SECRET);
  }

  private static void publishAsRoot(String channel, String data) {
    api().publish(channel, data, "Authorization", ROOT).expect(201);
  }

  @Test
  void anonymousCallersMayReadWhatTheConfigurationOpensAndNothingElse() {
    String open = "public." + ServerFixture.uniqueChannel("news");
    String closed = ServerFixture.uniqueChannel("orders");

    api().read(open, "").expect(200);
    Reply refused = api().read(closed, "");
    String detail = refused.expectProblem(401);
    assertThat(detail).contains("a token is needed to read channel " + closed);
    assertThat(refused.header("www-authenticate")).isEqualTo("Bearer realm=\"switchboard\"");
    assertThat(api().publish(open, "hi").expectProblem(401)).contains("publish");
  }

  @Test
  void theTokenMayTravelInTheHeaderTheCookieOrTheUrl() {
    String channel = ServerFixture.uniqueChannel("travel");
    String token = Tokens.forSubject("a").subscribe(channel).hs256(SECRET);

    api().read(channel, "", "Authorization", "Bearer " + token).expect(200);
    api().read(channel, "", "Cookie", "switchboard_token=" + token).expect(200);
    api().read(channel, "access_token=" + token).expect(200);
    api().read(channel, "access_token=" + token + "&access_token=" + token).expectProblem(400);
  }

  @Test
  void aBadTokenIsRefusedEvenWhereAnonymousCallersAreAllowed() {
    String open = "public." + ServerFixture.uniqueChannel("news");

    Reply refused = api().read(open, "", "Authorization", "Bearer not-a-jwt");

    assertThat(refused.expectProblem(401)).contains("not a well-formed JWT");
    assertThat(refused.header("www-authenticate")).contains("error=\"invalid_token\"");
    assertThat(api().read(open, "", "Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l").expectProblem(401)).contains("Bearer");
  }

  @Test
  void aGrantOnOneChannelDoesNotCoverAPatternOverIt() {
    String prefix = ServerFixture.uniqueChannel("orders");
    String one = bearer(Tokens.forSubject("a").subscribe(prefix + ".42"));
    String all = bearer(Tokens.forSubject("a").subscribe(prefix + ".>"));

    assertThat(api().get(Api.subscribePath(List.of(prefix + ".*"), ""), "Authorization", one).expectProblem(403))
        .contains("pattern " + prefix + ".*").contains("every channel it can match");
    assertThat(api().get(Api.subscribePath(List.of(prefix + ".42", prefix + ".*"), ""), "Authorization", one).expectProblem(403))
        .contains(prefix + ".*");
    api().get(Api.subscribePath(List.of(prefix + ".42"), ""), "Authorization", one).expect(200);
    api().get(Api.subscribePath(List.of(prefix + ".*"), ""), "Authorization", all).expect(200);
  }

  @Test
  void aSubscriberNeverReceivesAMessageOfAChannelItIsNotGranted() {
    String prefix = ServerFixture.uniqueChannel("leak");
    String granted = prefix + ".mine";
    String token = Tokens.forSubject("a").subscribe(granted, prefix + ".also-mine").hs256(SECRET);

    try (EventStreamClient stream = EventStreamClient.open(api().port(),
        Api.subscribePath(List.of(granted, prefix + ".also-mine"), "access_token=" + token))) {
      stream.expectStream();
      api().as(ROOT).awaitSubscribers(granted, "sse", 1);
      publishAsRoot(prefix + ".theirs", "secret");
      publishAsRoot(granted, "one");
      publishAsRoot(prefix + ".also-mine", "two");

      List<SseEvent> received = stream.awaitMessages(2, Duration.ofSeconds(10));

      assertThat(received).extracting(event -> event.json().path("channel").asText()).containsExactly(granted, prefix + ".also-mine");
    }
  }

  @Test
  void aSessionBelongsToTheSubjectThatCreatedIt() {
    String channel = ServerFixture.uniqueChannel("owned");
    String alice = bearer(Tokens.forSubject("alice").subscribe(channel));
    String mallory = bearer(Tokens.forSubject("mallory").subscribe(">"));
    String id = api().send("POST", "/v1/sessions", ("{\"channels\":[\"" + channel + "\"]}").getBytes(StandardCharsets.UTF_8),
        "Authorization", alice).expectJson(201).path("id").asText();
    publishAsRoot(channel, "for alice");

    assertThat(api().get("/v1/sessions/" + id + "/messages", "Authorization", mallory).expectProblem(403)).contains("another subject");
    String next = api().get("/v1/sessions/" + id + "/messages", "Authorization", alice).expectJson(200).path("next").asText();
    api().send("POST", "/v1/sessions/" + id + "/ack", ("{\"id\":\"" + next + "\"}").getBytes(StandardCharsets.UTF_8),
        "Authorization", mallory).expectProblem(403);
    api().send("DELETE", "/v1/sessions/" + id, null, "Authorization", mallory).expectProblem(403);

    JsonNode stillUnread = api().get("/v1/sessions/" + id + "/messages", "Authorization", alice).expectJson(200);
    assertThat(stillUnread.path("messages")).extracting(message -> message.path("data").asText()).containsExactly("for alice");
  }

  @Test
  void aSubmitterMayFollowItsJobsChannelWithoutASubscribeGrant() {
    String queue = ServerFixture.uniqueChannel("images");
    String submitter = bearer(Tokens.forSubject("s").grants(Map.of("jobs", Map.of("submit", List.of(queue)))));
    String id = api().send("POST", "/v1/queues/" + queue + "/jobs", "cat.jpg".getBytes(StandardCharsets.UTF_8), "Authorization", submitter)
        .expectJson(202).path("id").asText();
    String other = bearer(Tokens.forSubject("s").grants(Map.of("jobs", Map.of("submit", List.of(queue + "-other")))));

    api().read("switchboard.jobs." + queue + "." + id, "from=earliest", "Authorization", submitter).expect(200);
    api().read("switchboard.jobs." + queue + "." + id, "from=earliest", "Authorization", other).expectProblem(403);
    api().get("/v1/jobs/" + id, "Authorization", other).expectProblem(403);
  }

  @Test
  void anEventStreamEndsWhenItsTokenExpiresSayingWhy() {
    String channel = ServerFixture.uniqueChannel("expiring");
    String token = Tokens.forSubject("a").subscribe(channel).expiresAt(Instant.now().plusSeconds(2)).hs256(SECRET);

    try (EventStreamClient stream = EventStreamClient.open(api().port(), Api.messagesPath(channel), "Authorization", "Bearer " + token)) {
      stream.expectStream();
      assertThat(stream.awaitEnd(Duration.ofSeconds(10))).isEqualTo(EventStreamClient.Ending.ENDED);

      SseEvent last = stream.events().get(stream.events().size() - 1);
      assertThat(last.type()).isEqualTo("switchboard.token-expired");
      assertThat(last.json().path("detail").asText()).contains("token expired");
    }
  }

  @Test
  void aLongPollIsAnsweredBeforeItsTokenExpires() {
    String channel = ServerFixture.uniqueChannel("expiring-poll");
    String token = Tokens.forSubject("a").subscribe(channel).expiresAt(Instant.now().plusSeconds(2)).hs256(SECRET);
    long started = System.nanoTime();

    Reply answer = api().read(channel, "wait=30", "Authorization", "Bearer " + token);

    assertThat(answer.expectJson(200).path("messages")).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void adminEndpointsNeedTheAdminGrant() {
    api().get("/v1/channels", "Authorization", bearer(Tokens.forSubject("a").subscribe(">"))).expectProblem(403);
    api().get("/v1/channels", "Authorization", bearer(Tokens.forSubject("a").grants(Map.of("admin", true)))).expect(200);
    api().get("/v1/channels").expectProblem(401);
  }

  @Test
  void healthStaysOpenToProbesWithoutAToken() {
    api().get("/health/live").expect(200);
    api().get("/health/ready").expect(200);
  }
}

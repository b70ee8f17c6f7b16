package io.switchboard.server.sessions;

import static io.switchboard.server.sessions.SessionClient.data;
import static io.switchboard.server.sessions.SessionClient.ids;
import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session from creation to deletion: it receives what is published to its channels and patterns
 * from its creation on, a read starts at the acknowledged position (so reading again without
 * acknowledging gives the same messages), both ways of acknowledging move the position, and a
 * deleted session is gone from every URL.
 */
class SessionLifecycleTest {
  private static final long DAY_MILLIS = Duration.ofHours(24).toMillis();

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final SessionClient sessions = new SessionClient(api);

  /** Waits until the server's clock has passed {@code millis}, so what is created next is later. */
  private static void awaitClockPast(long millis) {
    await("clock passes " + millis).atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(2))
        .until(() -> System.currentTimeMillis() > millis);
  }

  @Test
  void createAnswers201WithLocationAndTheSession() {
    String orders = uniqueChannel("orders");
    String chat = uniqueChannel("chat") + ".*";
    long before = System.currentTimeMillis();

    var reply = sessions.create(SessionClient.channelsBody(List.of(orders, chat)));

    JsonNode session = reply.expectJson(201);
    String id = session.path("id").asText();
    assertThat(id).as("128 random bits in base64url").matches("[A-Za-z0-9_-]{22}");
    assertThat(reply.header("Location")).isEqualTo("/v1/sessions/" + id);
    assertThat(session.path("channels")).extracting(JsonNode::asText).containsExactly(orders, chat);
    assertThat(session.path("cursor").asText()).isNotBlank();
    long created = session.path("created").asLong();
    assertThat(created).isBetween(before, System.currentTimeMillis());
    assertThat(session.path("expires").asLong()).as("the default idle timeout is 24 h").isEqualTo(created + DAY_MILLIS);

    JsonNode described = sessions.describe(id).expectJson(200);
    assertThat(described.path("id").asText()).isEqualTo(id);
    assertThat(described.path("channels")).isEqualTo(session.path("channels"));
    assertThat(described.path("cursor").asText()).isEqualTo(session.path("cursor").asText());
    assertThat(described.path("created").asLong()).isEqualTo(created);
  }

  @Test
  void wholeLifecycleFromCreateThroughReadsAndAcknowledgementsToDelete() {
    String orders = uniqueChannel("orders");
    String other = uniqueChannel("other");
    long oldTime = api.published(orders, "before the session").path("time").asLong();
    awaitClockPast(oldTime);
    JsonNode created = sessions.created(orders);
    String id = created.path("id").asText();

    String first = api.publishedId(orders, "first");
    api.published(other, "not subscribed");
    String second = api.publishedId(orders, "created", "second");

    JsonNode page = sessions.page(id, "");
    assertThat(ids(page)).as("only what was published to its channel after it was created").containsExactly(first, second);
    assertThat(data(page)).containsExactly("first", "second");
    JsonNode message = page.path("messages").get(1);
    assertThat(message.path("channel").asText()).isEqualTo(orders);
    assertThat(message.path("time").asLong()).isGreaterThanOrEqualTo(created.path("created").asLong());
    assertThat(message.path("event").asText()).isEqualTo("created");
    assertThat(page.path("messages").get(0).has("event")).as("no event type published: none answered").isFalse();
    assertThat(page.path("truncated").asBoolean(true)).isFalse();
    String next = page.path("next").asText();
    assertThat(next).isNotEqualTo(created.path("cursor").asText());

    JsonNode again = sessions.page(id, "");
    assertThat(ids(again)).as("nothing acknowledged: read again").containsExactly(first, second);
    assertThat(again.path("next").asText()).isEqualTo(next);
    assertThat(sessions.acknowledged(id)).as("reading acknowledges nothing").isEqualTo(created.path("cursor").asText());

    sessions.ack(id, next).expect(204);
    assertThat(sessions.acknowledged(id)).isEqualTo(next);
    JsonNode afterAck = sessions.page(id, "");
    assertThat(afterAck.path("messages")).as("acknowledged messages are not read again").isEmpty();
    assertThat(afterAck.path("next").asText()).as("an empty page keeps the position").isEqualTo(next);

    String third = api.publishedId(orders, "third");
    JsonNode thirdPage = sessions.page(id, "");
    assertThat(ids(thirdPage)).containsExactly(third);
    String afterThird = thirdPage.path("next").asText();

    JsonNode acknowledgedOnRead = sessions.page(id, "ack=" + Api.encode(afterThird));
    assertThat(acknowledgedOnRead.path("messages")).as("ack= acknowledges before reading").isEmpty();
    assertThat(sessions.page(id, "").path("messages")).as("the next read is empty too").isEmpty();
    assertThat(sessions.acknowledged(id)).isEqualTo(afterThird);

    sessions.delete(id).expect(204);
    sessions.delete(id).expectProblem(404);
    sessions.describe(id).expectProblem(404);
    sessions.read(id, "").expectProblem(404);
    sessions.ack(id, afterThird).expectProblem(404);
  }

  @Test
  void ackOnTheNextReadAcknowledgesThenReadsWhatFollows() {
    String channel = uniqueChannel("poll-loop");
    String id = sessions.createdId(channel);
    api.publishedId(channel, "m0");
    api.publishedId(channel, "m1");
    String next = sessions.page(id, "").path("next").asText();
    String m2 = api.publishedId(channel, "m2");

    JsonNode page = sessions.page(id, "ack=" + Api.encode(next));

    assertThat(ids(page)).containsExactly(m2);
    assertThat(sessions.acknowledged(id)).isEqualTo(next);
  }

  @Test
  void limitPagesThroughWhatIsNotAcknowledged() {
    String channel = uniqueChannel("paged");
    String id = sessions.createdId(channel);
    List<String> published = List.of(api.publishedId(channel, "m0"), api.publishedId(channel, "m1"), api.publishedId(channel, "m2"));

    JsonNode firstTwo = sessions.page(id, "limit=2");
    assertThat(ids(firstTwo)).containsExactlyElementsOf(published.subList(0, 2));
    JsonNode rest = sessions.page(id, "limit=2&ack=" + Api.encode(firstTwo.path("next").asText()));
    assertThat(ids(rest)).containsExactly(published.get(2));
    JsonNode end = sessions.page(id, "limit=2&ack=" + Api.encode(rest.path("next").asText()));
    assertThat(end.path("messages")).isEmpty();
  }

  @Test
  void patternSessionReceivesChannelsThatFirstAppearAfterItWasCreated() {
    String prefix = uniqueChannel("chat");
    String id = sessions.createdId(prefix + ".*");
    String lobby = prefix + ".lobby";
    String news = prefix + ".news";

    String inLobby = api.publishedId(lobby, "hello lobby");
    api.published(prefix + ".lobby.deeper", "one segment too many for *");
    api.published(prefix, "the prefix itself is not matched by *");
    api.published(uniqueChannel("chat") + ".lobby", "another prefix");
    String inNews = api.publishedId(news, "hello news");

    JsonNode page = sessions.page(id, "");

    assertThat(page.path("messages").findValuesAsText("channel")).containsExactlyInAnyOrder(lobby, news);
    assertThat(ids(page)).containsExactlyInAnyOrder(inLobby, inNews);
  }

  @Test
  void twoSessionsOnTheSameChannelsAreIndependent() {
    String channel = uniqueChannel("shared");
    String pattern = channel + ".*";
    String alice = sessions.createdId(channel, pattern);
    String bob = sessions.createdId(channel, pattern);
    assertThat(alice).isNotEqualTo(bob);
    String m0 = api.publishedId(channel, "m0");
    String m1 = api.publishedId(channel, "m1");
    String sub = api.publishedId(channel + ".sub", "sub");

    JsonNode alicePage = sessions.page(alice, "");
    assertThat(ids(alicePage)).containsExactlyInAnyOrder(m0, m1, sub);
    sessions.acked(alice, alicePage.path("next").asText());

    JsonNode bobPage = sessions.page(bob, "");
    assertThat(ids(bobPage)).as("alice's acknowledgement does not move bob").containsExactlyInAnyOrder(m0, m1, sub);
    JsonNode bobFirst = sessions.page(bob, "limit=1");
    sessions.acked(bob, bobFirst.path("next").asText());
    List<String> bobRest = ids(sessions.page(bob, ""));
    assertThat(bobRest).hasSize(2).doesNotContainAnyElementsOf(ids(bobFirst));
    assertThat(sessions.page(alice, "").path("messages")).as("bob's acknowledgement does not move alice").isEmpty();

    sessions.delete(alice).expect(204);
    assertThat(ids(sessions.page(bob, ""))).as("deleting alice leaves bob").containsExactlyInAnyOrderElementsOf(bobRest);
    sessions.describe(alice).expectProblem(404);
  }

  @Test
  void cursorNamingAnotherSessionsChannelIsRefusedAndMovesNothing() {
    String mine = uniqueChannel("mine");
    String theirs = uniqueChannel("theirs");
    String me = sessions.createdId(mine);
    String them = sessions.createdId(theirs);
    String myMessage = api.publishedId(mine, "mine");
    api.publishedId(theirs, "theirs");
    String foreign = sessions.page(them, "").path("next").asText();
    String myPosition = sessions.acknowledged(me);

    String detail = sessions.ack(me, foreign).expectProblem(400);
    assertThat(detail).contains(theirs);
    sessions.read(me, "ack=" + Api.encode(foreign)).expectProblem(400);

    assertThat(sessions.acknowledged(me)).as("a refused cursor moves nothing").isEqualTo(myPosition);
    assertThat(ids(sessions.page(me, ""))).containsExactly(myMessage);
  }

  @Test
  void unacknowledgedMessagesAreDeliveredAgainToAClientThatCrashedAfterReading() {
    String channel = uniqueChannel("crash");
    String id = sessions.createdId(channel);
    List<String> published = List.of(api.publishedId(channel, "m0"), api.publishedId(channel, "m1"));
    JsonNode seenBeforeCrash = sessions.page(id, "");
    assertThat(ids(seenBeforeCrash)).containsExactlyElementsOf(published);

    // The client dies before acknowledging; a new one, with a fresh connection pool, carries only the id.
    SessionClient restarted = new SessionClient(new Api(api.port()));
    String m2 = api.publishedId(channel, "m2");
    JsonNode afterCrash = restarted.page(id, "");

    assertThat(ids(afterCrash)).containsExactly(published.get(0), published.get(1), m2);
    restarted.acked(id, afterCrash.path("next").asText());
    assertThat(restarted.page(id, "").path("messages")).isEmpty();
  }
}

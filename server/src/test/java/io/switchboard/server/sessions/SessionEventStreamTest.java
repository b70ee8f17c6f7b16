package io.switchboard.server.sessions;

import static io.switchboard.server.sessions.SessionClient.ids;
import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session's messages as an event stream: it starts at the acknowledged position, each event's id
 * is a stream cursor of the session, and a browser that reconnects with {@code Last-Event-ID}
 * acknowledges up to it and resumes right after it; a stream opened without one starts again at
 * the acknowledged position, so what a crashed client never acknowledged comes again.
 */
class SessionEventStreamTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();
  private final SessionClient sessions = new SessionClient(api);

  private List<String> publish(String channel, String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> api.publishedId(channel, prefix + i)).toList();
  }

  private static List<String> messageIds(List<SseEvent> events) {
    return events.stream().map(event -> event.json().path("id").asText()).toList();
  }

  @Test
  void eventsCarryTheMessageAsJsonAndAStreamCursorThatTheSessionAccepts() {
    String channel = uniqueChannel("stream");
    String other = uniqueChannel("other");
    String id = sessions.createdId(channel);
    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      api.published(other, "not subscribed");
      List<String> published = List.of(api.publishedId(channel, "m0"), api.publishedId(channel, "created", "m1"), api.publishedId(channel, "m2"));

      List<SseEvent> events = stream.awaitMessages(3, PROMPTLY);

      assertThat(messageIds(events)).containsExactlyElementsOf(published);
      JsonNode second = events.get(1).json();
      assertThat(second.path("channel").asText()).isEqualTo(channel);
      assertThat(second.path("data").asText()).isEqualTo("m1");
      assertThat(second.path("event").asText()).isEqualTo("created");
      assertThat(events).extracting(SseEvent::lastEventId).doesNotContainNull().doesNotHaveDuplicates()
          .as("ids are stream cursors, not message ids").doesNotContainAnyElementsOf(published);

      sessions.acked(id, events.get(0).lastEventId());
      assertThat(ids(sessions.page(id, ""))).as("the first event's id acknowledges the first message").containsExactlyElementsOf(published.subList(1, 3));
    }
  }

  @Test
  void streamStartsAtTheAcknowledgedPositionWithWhatWasPublishedBeforeItOpened() {
    String channel = uniqueChannel("backlog");
    String id = sessions.createdId(channel);
    List<String> handled = publish(channel, "handled-", 2);
    sessions.acked(id, sessions.page(id, "").path("next").asText());
    List<String> backlog = publish(channel, "backlog-", 2);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      stream.awaitMessages(2, PROMPTLY);
      String live = api.publishedId(channel, "live");
      List<SseEvent> events = stream.awaitMessages(3, PROMPTLY);

      assertThat(messageIds(events)).doesNotContainAnyElementsOf(handled).containsExactly(backlog.get(0), backlog.get(1), live);
    }
  }

  @Test
  void reconnectingWithLastEventIdResumesRightAfterItAndAcknowledgesUpToIt() {
    String channel = uniqueChannel("resume");
    String id = sessions.createdId(channel);
    List<SseEvent> before;
    try (EventStreamClient first = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      publish(channel, "before-", 3);
      before = first.awaitMessages(3, PROMPTLY);
    }
    List<String> missed = publish(channel, "missed-", 2);
    String lastSeen = before.get(2).lastEventId();

    List<SseEvent> after;
    try (EventStreamClient resumed = EventStreamClient.open(api.port(), SessionClient.messagesPath(id), "Last-Event-ID", lastSeen).expectStream()) {
      resumed.awaitMessages(2, PROMPTLY);
      assertThat(sessions.acknowledged(id)).as("Last-Event-ID acknowledges").isEqualTo(lastSeen);
      List<String> live = publish(channel, "live-", 2);
      after = resumed.awaitMessages(4, PROMPTLY);

      List<String> expected = new ArrayList<>(missed);
      expected.addAll(live);
      assertThat(messageIds(after)).as("nothing missing, nothing repeated").containsExactlyElementsOf(expected);
    }
    List<String> seen = new ArrayList<>(messageIds(before));
    seen.addAll(messageIds(after));
    assertThat(seen).as("both connections together saw the channel's whole history, once")
        .containsExactlyElementsOf(api.readAll(channel).stream().map(message -> message.path("id").asText()).toList());
  }

  @Test
  void lastEventIdOfAnEarlierEventResumesRightAfterThatEvent() {
    String channel = uniqueChannel("resume-middle");
    String id = sessions.createdId(channel);
    List<String> published = publish(channel, "m", 4);
    String afterSecond;
    try (EventStreamClient first = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      afterSecond = first.awaitMessages(4, PROMPTLY).get(1).lastEventId();
    }

    try (EventStreamClient resumed = EventStreamClient.open(api.port(), SessionClient.messagesPath(id), "Last-Event-ID", afterSecond).expectStream()) {
      List<SseEvent> events = resumed.awaitMessages(2, PROMPTLY);
      String live = api.publishedId(channel, "live");
      events = resumed.awaitMessages(3, PROMPTLY);

      assertThat(messageIds(events)).containsExactly(published.get(2), published.get(3), live);
    }
  }

  @Test
  void ackParameterOnAStreamAcknowledgesLikeLastEventId() {
    String channel = uniqueChannel("ack-param");
    String id = sessions.createdId(channel);
    List<String> published = publish(channel, "m", 3);
    String afterFirst = sessions.page(id, "limit=1").path("next").asText();

    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id) + "?ack=" + Api.encode(afterFirst)).expectStream()) {
      assertThat(messageIds(stream.awaitMessages(2, PROMPTLY))).containsExactlyElementsOf(published.subList(1, 3));
      assertThat(sessions.acknowledged(id)).isEqualTo(afterFirst);
    }
  }

  @Test
  void newStreamWithoutLastEventIdRestartsFromTheAcknowledgedPosition() {
    String channel = uniqueChannel("restart-stream");
    String id = sessions.createdId(channel);
    List<String> published = publish(channel, "m", 4);
    try (EventStreamClient first = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      List<SseEvent> events = first.awaitMessages(4, PROMPTLY);
      sessions.acked(id, events.get(1).lastEventId());
    }

    try (EventStreamClient again = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      List<SseEvent> events = again.awaitMessages(2, PROMPTLY);
      String live = api.publishedId(channel, "live");
      events = again.awaitMessages(3, PROMPTLY);

      assertThat(messageIds(events)).as("what was streamed but not acknowledged comes again")
          .containsExactly(published.get(2), published.get(3), live);
    }
  }

  @Test
  void eventsAStreamDeliveredToACrashedClientAreDeliveredAgain() {
    String channel = uniqueChannel("crashed-stream");
    String id = sessions.createdId(channel);
    List<String> published;
    try (EventStreamClient crashing = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      published = publish(channel, "m", 3);
      crashing.awaitMessages(3, PROMPTLY);
      // The browser process dies: it never reconnects with its Last-Event-ID, and never acknowledges.
    }
    api.awaitSubscribers(channel, "sse", 0);

    assertThat(ids(sessions.page(id, ""))).as("a poll reads them again").containsExactlyElementsOf(published);
    try (EventStreamClient fresh = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      assertThat(messageIds(fresh.awaitMessages(3, PROMPTLY))).as("and so does a new stream").containsExactlyElementsOf(published);
    }
  }

  @Test
  void patternStreamDeliversChannelsThatFirstAppearWhileItIsOpen() {
    String prefix = uniqueChannel("live-pattern");
    String id = sessions.createdId(prefix + ".>");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      String a = api.publishedId(prefix + ".a", "a");
      String deep = api.publishedId(prefix + ".b.c", "deep");
      api.published(prefix, "not matched by .>");
      String last = api.publishedId(prefix + ".a", "after the unmatched one");

      List<String> received = messageIds(stream.awaitMessages(3, PROMPTLY));
      assertThat(received).containsExactlyInAnyOrder(a, deep, last);
      assertThat(received.indexOf(a)).as("in publish order within a channel").isLessThan(received.indexOf(last));
    }
  }

  @Test
  void deletingTheSessionEndsItsOpenStreamWithAReason() {
    String channel = uniqueChannel("ended");
    String id = sessions.createdId(channel);
    try (EventStreamClient stream = EventStreamClient.open(api.port(), SessionClient.messagesPath(id)).expectStream()) {
      api.published(channel, "before");
      stream.awaitMessages(1, PROMPTLY);

      assertThat(sessions.delete(id).status()).isEqualTo(204);

      stream.awaitEnd(PROMPTLY);
      assertThat(stream.events()).last().extracting(SseEvent::type).isEqualTo("switchboard.session-ended");
      api.awaitSubscribers(channel, "sse", 0, PROMPTLY);
    }
  }
}

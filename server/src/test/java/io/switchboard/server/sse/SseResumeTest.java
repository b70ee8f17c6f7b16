package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Where a channel's event stream starts: after {@code Last-Event-ID} (what a browser sends when it
 * reconnects) or {@code after=}, at the oldest retained message with {@code from=earliest}, and
 * otherwise at "now"; a position the server did not issue for this channel is refused before any
 * stream begins.
 */
class SseResumeTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  private List<String> publish(String channel, String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> api.publishedId(channel, prefix + i)).toList();
  }

  @Test
  void lastEventIdResumesRightAfterItWithWhatWasPublishedWhileDisconnected() {
    String channel = uniqueChannel("resume");
    List<SseEvent> before;
    try (EventStreamClient first = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      publish(channel, "before-", 3);
      before = first.awaitEvents(3, PROMPTLY);
    }
    api.awaitSubscribers(channel, "sse", 0, PROMPTLY);
    List<String> missed = publish(channel, "missed-", 4);

    String lastSeen = before.get(before.size() - 1).lastEventId();
    List<SseEvent> after;
    try (EventStreamClient resumed = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", lastSeen).expectStream()) {
      resumed.awaitEvents(4, PROMPTLY);
      List<String> live = publish(channel, "live-", 2);
      after = resumed.awaitEvents(6, PROMPTLY);

      List<String> expected = new ArrayList<>(missed);
      expected.addAll(live);
      assertThat(after).extracting(SseEvent::id).containsExactlyElementsOf(expected);
      assertThat(after).extracting(SseEvent::data).containsExactly("missed-0", "missed-1", "missed-2", "missed-3", "live-0", "live-1");
    }
    List<String> seen = new ArrayList<>(before.stream().map(SseEvent::id).toList());
    after.forEach(event -> seen.add(event.id()));
    assertThat(seen).as("both connections together saw the channel's whole history, once")
        .containsExactlyElementsOf(api.readAll(channel).stream().map(message -> message.path("id").asText()).toList());
  }

  @Test
  void afterParameterResumesLikeLastEventId() {
    String channel = uniqueChannel("after");
    List<String> ids = publish(channel, "m", 5);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + ids.get(1)).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(3, PROMPTLY);

      assertThat(events).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(2, 5));
    }
  }

  @Test
  void lastEventIdWinsOverAfter() {
    String channel = uniqueChannel("wins");
    List<String> ids = publish(channel, "m", 6);

    try (EventStreamClient stream = EventStreamClient.open(api.port(),
        Api.messagesPath(channel) + "?after=" + ids.get(0), "Last-Event-ID", ids.get(3)).expectStream()) {
      List<SseEvent> events = stream.awaitEvents(2, PROMPTLY);
      String live = api.publishedId(channel, "live");
      events = stream.awaitEvents(3, PROMPTLY);

      assertThat(events).extracting(SseEvent::id).containsExactly(ids.get(4), ids.get(5), live);
    }
  }

  @Test
  void fromEarliestReplaysHistoryThenFollowsLive() {
    String channel = uniqueChannel("earliest");
    List<String> history = publish(channel, "old-", 4);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=earliest").expectStream()) {
      stream.awaitEvents(4, PROMPTLY);
      List<String> live = publish(channel, "new-", 3);
      List<SseEvent> events = stream.awaitEvents(7, PROMPTLY);

      List<String> expected = new ArrayList<>(history);
      expected.addAll(live);
      assertThat(events).extracting(SseEvent::id).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void fromEarliestReplaysAWholeDefaultRetentionOfFourKibMessages() {
    String channel = uniqueChannel("full-history");
    String padding = "x".repeat(4 * 1024);
    List<String> history = IntStream.range(0, 1_000).parallel().mapToObj(i -> api.publishedId(channel, i + padding)).toList();

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=earliest").expectStream()) {
      List<SseEvent> events = stream.awaitEvents(history.size(), Duration.ofSeconds(10));

      assertThat(events).as("about 4 MiB of history with default settings").extracting(SseEvent::id)
          .containsExactlyInAnyOrderElementsOf(history).isSorted();
    }
  }

  @Test
  void withoutAPositionTheStreamStartsAtNow() {
    String channel = uniqueChannel("now");
    publish(channel, "old-", 3);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
      String live = api.publishedId(channel, "live");
      List<SseEvent> events = stream.awaitEvents(1, PROMPTLY);
      String another = api.publishedId(channel, "another");
      events = stream.awaitEvents(2, PROMPTLY);

      assertThat(events).extracting(SseEvent::id).containsExactly(live, another);
    }
  }

  @Test
  void fromLatestIsTheSameAsNoPosition() {
    String channel = uniqueChannel("latest");
    publish(channel, "old-", 2);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=latest").expectStream()) {
      api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
      String live = api.publishedId(channel, "live");

      assertThat(stream.awaitEvents(1, PROMPTLY)).extracting(SseEvent::id).containsExactly(live);
    }
  }

  @Test
  void nextOfAPollResumesAnEventStream() {
    String channel = uniqueChannel("poll-then-stream");
    publish(channel, "old-", 2);
    String next = api.get(Api.messagesPath(channel)).expectJson(200).path("next").asText();
    List<String> afterPoll = publish(channel, "new-", 2);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + next).expectStream()) {
      assertThat(stream.awaitEvents(2, PROMPTLY)).extracting(SseEvent::id).containsExactlyElementsOf(afterPoll);
    }
  }

  @Test
  void nextOfAnEmptyChannelResumesAnEventStreamFromItsFirstMessage() {
    String channel = uniqueChannel("empty-next");
    String next = api.get(Api.messagesPath(channel)).expectJson(200).path("next").asText();

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", next).expectStream()) {
      List<String> ids = publish(channel, "m", 2);

      assertThat(stream.awaitEvents(2, PROMPTLY)).extracting(SseEvent::id).containsExactlyElementsOf(ids);
    }
  }

  @Test
  void malformedLastEventIdIsRefusedWithAProblemBeforeAnyStream() {
    String channel = uniqueChannel("bad-id");
    api.publishedId(channel, "m");
    for (String bad : List.of("garbage", "0000000000000000000000000000000", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "%00", "-1")) {
      try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", bad)) {
        String detail = stream.reply().expectProblem(400);

        assertThat(detail).as("detail for Last-Event-ID %s", bad).isNotBlank();
        assertThat(stream.header("Content-Type")).doesNotContain("event-stream");
      }
    }
    assertThat(api.subscribers(channel, "sse")).isZero();
  }

  @Test
  void malformedAfterIsRefusedWithAProblem() {
    String channel = uniqueChannel("bad-after");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=nope")) {
      stream.reply().expectProblem(400);
    }
  }

  @Test
  void cursorOfAnotherChannelIsRefused() {
    String channel = uniqueChannel("mine");
    String other = uniqueChannel("theirs");
    api.publishedId(channel, "m");
    String foreign = api.publishedId(other, "m");

    try (EventStreamClient byHeader = EventStreamClient.open(api.port(), Api.messagesPath(channel), "Last-Event-ID", foreign);
        EventStreamClient byQuery = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + foreign)) {
      assertThat(byHeader.reply().expectProblem(400)).contains(foreign);
      assertThat(byQuery.reply().expectProblem(400)).contains(foreign);
    }
  }

  @Test
  void afterTogetherWithFromIsRefused() {
    String channel = uniqueChannel("both");
    String id = api.publishedId(channel, "m");

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?after=" + id + "&from=earliest")) {
      stream.reply().expectProblem(400);
    }
  }

  @Test
  void unknownFromIsRefused() {
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(uniqueChannel("from")) + "?from=yesterday")) {
      assertThat(stream.reply().expectProblem(400)).contains("yesterday");
    }
  }

  @Test
  void badChannelNameIsRefused() {
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath("a..b"))) {
      stream.reply().expectProblem(400);
    }
  }
}

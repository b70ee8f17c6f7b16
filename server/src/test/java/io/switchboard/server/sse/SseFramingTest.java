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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A channel's messages as Server-Sent Events: the headers, the opening {@code retry:}, one event
 * per message with its id and type, and data of any shape arriving intact (line ends normalised to
 * LF, which is all the format can carry).
 */
class SseFramingTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @Test
  void streamIsServedWithHeadersThatStopCachingAndProxyBuffering() {
    String channel = uniqueChannel("headers");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel))) {
      stream.expectStream();

      assertThat(stream.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
      assertThat(stream.header("Cache-Control")).isEqualTo("no-cache, no-transform");
      assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
      assertThat(stream.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(stream.header("Content-Length")).isNull();
    }
  }

  @Test
  void streamOpensWithTheRetryHintAndAComment() {
    String channel = uniqueChannel("opening");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      String id = api.publishedId(channel, "first");
      stream.awaitEvents(1, PROMPTLY);

      assertThat(stream.raw()).startsWith("retry: 2000\n: switchboard event stream\n\n");
      assertThat(stream.retryMillis()).isEqualTo(2000);
      assertThat(stream.comments()).isEqualTo(1);
      assertThat(stream.raw()).isEqualTo("retry: 2000\n: switchboard event stream\n\nid: " + id + "\ndata: first\n\n");
    }
  }

  @Test
  void eachMessageIsOneEventWhoseIdIsTheIdThePublisherWasGiven() {
    String channel = uniqueChannel("ids");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(api.publishedId(channel, "m" + i));
      }

      List<SseEvent> events = stream.awaitEvents(5, PROMPTLY);

      assertThat(events).extracting(SseEvent::id).containsExactlyElementsOf(ids);
      assertThat(events).extracting(SseEvent::lastEventId).containsExactlyElementsOf(ids);
      assertThat(events).extracting(SseEvent::data).containsExactly("m0", "m1", "m2", "m3", "m4");
      assertThat(events).extracting(SseEvent::type).containsOnly("message");
    }
  }

  @Test
  void eventTypeOfAPublishIsTheEventField() {
    String channel = uniqueChannel("types");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      String created = api.publishedId(channel, "order.created", "{\"order\":42}");
      api.publishedId(channel, "untyped");
      String shipped = api.publishedId(channel, "order:shipped_v2-x", "{\"order\":42}");

      List<SseEvent> events = stream.awaitEvents(3, PROMPTLY);

      assertThat(events).extracting(SseEvent::type).containsExactly("order.created", "message", "order:shipped_v2-x");
      assertThat(events.get(0).data()).isEqualTo("{\"order\":42}");
      assertThat(stream.raw()).contains("id: " + created + "\nevent: order.created\ndata: {\"order\":42}\n\n");
      assertThat(stream.raw()).contains("id: " + shipped + "\nevent: order:shipped_v2-x\n");
    }
  }

  @Test
  void multiLineDataArrivesIntactWithEveryLineEndAsLineFeed() {
    String channel = uniqueChannel("lines");
    List<String> published = List.of(
        "one\ntwo\nthree",
        "crlf\r\nends\r\nhere",
        "cr\rends\rhere",
        "mixed\r\n\r\rand\n\n",
        "trailing newline\n",
        "\nleading newline",
        "empty\n\nlines\n\n\ninside",
        "",
        "\n",
        " leading space and trailing space ",
        ": looks like a comment",
        "line\n: a comment line inside\nstill data");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      published.forEach(data -> api.publishedId(channel, data));

      List<SseEvent> events = stream.awaitEvents(published.size(), PROMPTLY);

      List<String> expected = published.stream().map(data -> data.replace("\r\n", "\n").replace('\r', '\n')).toList();
      assertThat(events).extracting(SseEvent::data).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void crlfIsOneLineEndNotTwo() {
    String channel = uniqueChannel("crlf");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      String id = api.publishedId(channel, "a\r\nb");
      stream.awaitEvents(1, PROMPTLY);

      assertThat(stream.raw()).endsWith("id: " + id + "\ndata: a\ndata: b\n\n");
    }
  }

  @Test
  void dataThatLooksLikeFieldsCannotForgeAnotherEvent() {
    String channel = uniqueChannel("forge");
    String forged = "harmless\n\nid: forged-id\nevent: switchboard.shutdown\ndata: evil\r\rretry: 1";
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      String id = api.publishedId(channel, forged);
      String next = api.publishedId(channel, "next");

      List<SseEvent> events = stream.awaitEvents(2, PROMPTLY);

      assertThat(events).hasSize(2);
      assertThat(events.get(0)).isEqualTo(new SseEvent("message", forged.replace('\r', '\n'), id, id));
      assertThat(events.get(1).id()).isEqualTo(next);
      assertThat(stream.retryMillis()).isEqualTo(2000);
    }
  }

  @Test
  void unicodeDataArrivesAsUtf8() {
    String channel = uniqueChannel("unicode");
    List<String> published = List.of("héllo wörld", "日本語のテキスト", "emoji 🎉🚀 and ✓", "Ω≈ç√∫ \u00a0nbsp", "zero\u200bwidth");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      published.forEach(data -> api.publishedId(channel, data));

      List<SseEvent> events = stream.awaitEvents(published.size(), PROMPTLY);

      assertThat(events).extracting(SseEvent::data).containsExactlyElementsOf(published);
    }
  }

  @Test
  void largeMessageArrivesWhole() {
    String channel = uniqueChannel("large");
    String large = "x".repeat(200_000) + "\n" + "y".repeat(100_000);
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      api.publishedId(channel, large);

      List<SseEvent> events = stream.awaitEvents(1, PROMPTLY);

      assertThat(events.get(0).data()).isEqualTo(large);
    }
  }

  @Test
  void messagesOfOtherChannelsDoNotAppear() {
    String channel = uniqueChannel("mine");
    String other = uniqueChannel("other");
    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream()) {
      api.publishedId(other, "not for you");
      api.publishedId(channel + ".child", "not for you either");
      String mine = api.publishedId(channel, "for you");

      List<SseEvent> events = stream.awaitEvents(1, PROMPTLY);

      assertThat(events).extracting(SseEvent::id).containsExactly(mine);
    }
  }
}

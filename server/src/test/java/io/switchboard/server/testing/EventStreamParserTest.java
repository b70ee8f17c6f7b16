package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test client's parser follows the WHATWG rules, so the server tests can trust what it reports. */
class EventStreamParserTest {
  private final List<SseEvent> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final EventStreamParser parser = new EventStreamParser(events::add, comments::add);

  private void feed(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
  }

  @Test
  void dataLinesAreJoinedWithLineFeedsAndOneLeadingSpaceIsDropped() {
    feed("data:  two spaces\ndata:none\ndata\n\n");

    assertThat(events).containsExactly(new SseEvent("message", " two spaces\nnone\n", null, ""));
  }

  @Test
  void everyLineEndingCountsAndACrLfSplitBetweenFeedsIsOneLineEnd() {
    feed("id: 1\revent: a\r\ndata: x\r");
    feed("\ndata: y\n\r\n");

    assertThat(events).containsExactly(new SseEvent("a", "x\ny", "1", "1"));
  }

  @Test
  void commentsAreCountedNotDispatchedAndEventsWithoutDataAreDropped() {
    feed("retry: 2000\n: hello\n\n:\n\nevent: empty\nid: 7\n\ndata: after\n\n");

    assertThat(comments).containsExactly(" hello", "");
    assertThat(parser.retryMillis()).isEqualTo(2000);
    assertThat(events).containsExactly(new SseEvent("message", "after", null, "7"));
  }

  @Test
  void anUnfinishedEventAtTheEndIsNotDispatched() {
    feed("data: complete\n\ndata: cut off\n");

    assertThat(events).extracting(SseEvent::data).containsExactly("complete");
  }

  @Test
  void multiByteCharactersSurviveAnySplit() {
    byte[] bytes = "data: 日本🎉\n\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1);
    }

    assertThat(events).extracting(SseEvent::data).containsExactly("日本🎉");
  }
}

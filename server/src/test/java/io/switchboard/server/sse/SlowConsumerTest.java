package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscriber that does not read is closed once more than the outbound buffer waits for it, with a
 * {@code switchboard.slow-consumer} event as the reason; fast subscribers are not held back, the
 * server's memory stays bounded, and the slow client resumes from history without loss. A client
 * that does not even read that last event is disconnected after {@link #ABANDON_AFTER}.
 *
 * <p>The slow client is a socket with a 4 KiB receive buffer that reads nothing: the server's
 * socket buffers fill, then its outbound buffer (80 KiB here: the larger of 64 KiB and twice the
 * 8 KiB maximum message plus 64 KiB).
 */
class SlowConsumerTest {
  private static final int MESSAGES = 2_000;
  private static final int MESSAGE_BYTES = 4 * 1024;
  private static final int PUBLISHERS = 4;
  private static final int SLOW_RECEIVE_BUFFER = 4 * 1024;
  /** How long the server lets a closed slow consumer leave its last event unread (SseStream.ABANDON_AFTER_MILLIS). */
  private static final Duration ABANDON_AFTER = Duration.ofSeconds(10);

  @RegisterExtension static final ServerFixture server = ServerFixture.with(settings -> settings
      .withOutboundBuffer(64 * 1024)
      .withMaxMessageSize(8 * 1024)
      .withRetention(RetentionRules.uniform(new RetentionPolicy(10_000, Duration.ofHours(1)))));

  private final Api api = server.api();

  /** Publishes {@code count} messages of {@link #MESSAGE_BYTES} from several threads; returns when the last was stored (System.nanoTime()). */
  private long publishConcurrently(String channel, int count) throws Exception {
    ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
    AtomicLong lastStored = new AtomicLong();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        int publisher = p;
        running.add(publishers.submit(() -> {
          for (int i = publisher; i < count; i += PUBLISHERS) {
            String prefix = "p" + publisher + "-" + i + ":";
            api.publishedId(channel, prefix + "x".repeat(MESSAGE_BYTES - prefix.length()));
            lastStored.accumulateAndGet(System.nanoTime(), Math::max);
          }
        }));
      }
      for (Future<?> done : running) {
        done.get(60, TimeUnit.SECONDS);
      }
    } finally {
      publishers.shutdownNow();
    }
    return lastStored.get();
  }

  private List<String> channelOrder(String channel) {
    return api.readAll(channel).stream().map(message -> message.path("id").asText()).toList();
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** Asserts how a slow client's stream ended and that what it got is a gap-free start of {@code order}; returns its messages. */
  private static List<SseEvent> assertClosedAsSlowConsumer(EventStreamClient slow, List<String> order) {
    EventStreamClient.Ending ending = slow.awaitEnd(Duration.ofSeconds(10));
    List<SseEvent> events = slow.events();
    List<SseEvent> messages = slow.messages();
    assertThat(messages.size()).as("the slow client got less than everything").isLessThan(order.size());
    assertThat(messages).as("what the slow client got is a gap-free start of the channel")
        .extracting(SseEvent::id).containsExactlyElementsOf(order.subList(0, messages.size()));
    if (ending == EventStreamClient.Ending.ENDED) {
      SseEvent reason = events.get(events.size() - 1);
      assertThat(reason.type()).isEqualTo("switchboard.slow-consumer");
      assertThat(reason.id()).isNull();
      assertThat(reason.data()).contains("detail");
    } else {
      assertThat(ending).as("a slow client that is not told the reason has its connection closed")
          .isIn(EventStreamClient.Ending.CLOSED_MID_STREAM, EventStreamClient.Ending.RESET);
    }
    return messages;
  }

  /** Publishes to {@code channel} in rounds of 200 until the server has closed the one event stream on it. */
  private int publishUntilTheStreamIsClosed(String channel) throws Exception {
    int published = 0;
    while (api.subscribers(channel, "sse") == 1) {
      assertThat(published).as("messages published without the silent client being closed").isLessThan(5_000);
      publishConcurrently(channel, 200);
      published += 200;
    }
    return published;
  }

  @Test
  void slowSubscriberIsClosedWithAReasonWhileTheFastOneReceivesEverythingOnTime() throws Exception {
    String channel = uniqueChannel("slow");
    long heapBefore = usedHeapAfterGc();
    try (EventStreamClient fast = EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream();
        EventStreamClient slow = EventStreamClient.connectWithoutReading(api.port(), Api.messagesPath(channel), SLOW_RECEIVE_BUFFER)) {
      api.awaitSubscribers(channel, "sse", 2, Duration.ofSeconds(5));

      long lastStored = publishConcurrently(channel, MESSAGES);

      List<SseEvent> fastEvents = fast.awaitEvents(MESSAGES, Duration.ofSeconds(10));
      long lagMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastStored);
      assertThat(lagMillis).as("the fast reader had everything this soon after the last publish").isLessThan(5_000);
      List<String> order = channelOrder(channel);
      assertThat(order).hasSize(MESSAGES);
      assertThat(fastEvents).extracting(SseEvent::id).containsExactlyElementsOf(order);
      assertThat(fast.ending()).isEqualTo(EventStreamClient.Ending.OPEN);

      api.awaitSubscribers(channel, "sse", 1, Duration.ofSeconds(10));
      slow.startReading();
      slow.expectStream();
      assertClosedAsSlowConsumer(slow, order);
    }
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    assertThat(heapGrowth).as("heap growth in bytes (the retained messages are about 8 MiB)").isLessThan(200L * 1024 * 1024);
  }

  @Test
  void slowSubscriberReconnectingWithItsLastIdResumesFromHistoryWithoutLoss() throws Exception {
    String channel = uniqueChannel("slow-resume");
    List<SseEvent> seen;
    try (EventStreamClient slow = EventStreamClient.connectWithoutReading(api.port(), Api.messagesPath(channel), SLOW_RECEIVE_BUFFER)) {
      api.awaitSubscribers(channel, "sse", 1, Duration.ofSeconds(5));
      publishUntilTheStreamIsClosed(channel);
      publishConcurrently(channel, 100);
      slow.startReading();
      seen = assertClosedAsSlowConsumer(slow, channelOrder(channel));
    }
    List<String> order = channelOrder(channel);
    String lastId = seen.isEmpty() ? null : seen.get(seen.size() - 1).lastEventId();

    String[] resumeFrom = lastId == null ? new String[0] : new String[] {"Last-Event-ID", lastId};
    String path = Api.messagesPath(channel) + (lastId == null ? "?from=earliest" : "");
    try (EventStreamClient resumed = EventStreamClient.open(api.port(), path, resumeFrom).expectStream()) {
      List<SseEvent> rest = resumed.awaitEvents(order.size() - seen.size(), Duration.ofSeconds(10));

      assertThat(rest).extracting(SseEvent::id).containsExactlyElementsOf(order.subList(seen.size(), order.size()));
    }
  }

  @Test
  void streamStartingBehindByMoreThanTheOutboundBufferReceivesTheWholeBacklog() throws Exception {
    String channel = uniqueChannel("backlog");
    int backlog = 100;
    publishConcurrently(channel, backlog);
    List<String> order = channelOrder(channel);

    try (EventStreamClient stream = EventStreamClient.open(api.port(), Api.messagesPath(channel) + "?from=earliest").expectStream()) {
      List<SseEvent> events = stream.awaitEvents(backlog, Duration.ofSeconds(10));

      assertThat(events).as("%d KiB of history behind an 80 KiB outbound buffer", backlog * MESSAGE_BYTES / 1024)
          .extracting(SseEvent::id).containsExactlyElementsOf(order);
    }
  }

  @Test
  void slowSubscriberThatReadsNothingAtAllFindsTheStreamClosedOrEndedWithTheSlowConsumerEvent() throws Exception {
    String channel = uniqueChannel("abandoned");
    try (EventStreamClient silent = EventStreamClient.connectWithoutReading(api.port(), Api.messagesPath(channel), SLOW_RECEIVE_BUFFER)) {
      api.awaitSubscribers(channel, "sse", 1, Duration.ofSeconds(5));
      publishUntilTheStreamIsClosed(channel);

      // The scenario is time itself: the client stays silent past the server's (fixed) abandon limit.
      await("the silent client stays silent past the abandon limit")
          .during(ABANDON_AFTER.plusSeconds(2))
          .atMost(ABANDON_AFTER.plusSeconds(4))
          .until(() -> silent.eventCount() == 0);

      silent.startReading();
      EventStreamClient.Ending ending = silent.awaitEnd(Duration.ofSeconds(10));
      String last = silent.eventCount() == 0 ? null : silent.events().get(silent.eventCount() - 1).type();
      // Either the server still held bytes for it after the abandon time and closed the connection,
      // or everything (up to the final event) was already in the sockets' buffers, off its heap.
      if (ending == EventStreamClient.Ending.ENDED) {
        assertThat(last).as("the last event of a stream ended as a slow consumer").isEqualTo("switchboard.slow-consumer");
      } else {
        assertThat(ending).as("how the connection of a client that read nothing for over %s ended (events: %d, last: %s)",
                ABANDON_AFTER, silent.eventCount(), last)
            .isIn(EventStreamClient.Ending.CLOSED_MID_STREAM, EventStreamClient.Ending.RESET);
      }
    }
  }
}

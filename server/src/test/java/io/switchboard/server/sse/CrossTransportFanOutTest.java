package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One publish reaches every subscriber of every transport: channel event streams, long polls and
 * pattern event streams at once, each in channel order and without duplicates, while several
 * publishers publish concurrently.
 */
class CrossTransportFanOutTest {
  private static final int CHANNEL_STREAMS = 50;
  private static final int LONG_POLLERS = 20;
  private static final int PATTERN_STREAMS = 10;
  private static final int PUBLISHERS = 4;
  private static final int MESSAGES = 200;
  private static final Duration DELIVERY_BOUND = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  /** Long polls {@code channel} again and again from now until it has {@code wanted} messages; completes with their ids. */
  private CompletableFuture<List<String>> longPollUntil(String channel, int wanted) {
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    pollOnce(channel, null, new ArrayList<>(), wanted, done);
    return done;
  }

  private void pollOnce(String channel, String after, List<String> ids, int wanted, CompletableFuture<List<String>> done) {
    String query = "?wait=30&limit=1000" + (after == null ? "" : "&after=" + after);
    api.getAsync(Api.messagesPath(channel) + query).whenComplete((reply, failure) -> {
      try {
        if (failure != null) {
          throw failure;
        }
        JsonNode page = reply.expectJson(200);
        page.path("messages").forEach(message -> ids.add(message.path("id").asText()));
        if (ids.size() >= wanted) {
          done.complete(ids);
        } else {
          pollOnce(channel, page.path("next").asText(), ids, wanted, done);
        }
      } catch (Throwable failed) {
        done.completeExceptionally(failed);
      }
    });
  }

  private static String messageId(SseEvent event) {
    try {
      return JSON.readTree(event.data()).path("id").asText();
    } catch (IOException notJson) {
      throw new AssertionError("not JSON: " + event, notJson);
    }
  }

  @Test
  void everySubscriberOfEveryTransportReceivesEveryMessageOnceInChannelOrder() throws Exception {
    String root = uniqueChannel("fan");
    String channel = root + ".room";
    List<EventStreamClient> channelStreams = new ArrayList<>();
    List<EventStreamClient> patternStreams = new ArrayList<>();
    ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
    try {
      for (int i = 0; i < CHANNEL_STREAMS; i++) {
        channelStreams.add(EventStreamClient.open(api.port(), Api.messagesPath(channel)).expectStream());
      }
      for (int i = 0; i < PATTERN_STREAMS; i++) {
        patternStreams.add(EventStreamClient.open(api.port(), Api.subscribePath(List.of(root + ".>"), "")).expectStream());
      }
      List<CompletableFuture<List<String>>> longPolls = IntStream.range(0, LONG_POLLERS).mapToObj(i -> longPollUntil(channel, MESSAGES)).toList();
      api.awaitSubscribers(channel, "sse", CHANNEL_STREAMS + PATTERN_STREAMS, Duration.ofSeconds(10));
      api.awaitSubscribers(channel, "long-poll", LONG_POLLERS, Duration.ofSeconds(10));

      List<String> published = Collections.synchronizedList(new ArrayList<>());
      List<Future<?>> publishing = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        int publisher = p;
        publishing.add(publishers.submit(() -> {
          for (int i = 0; i < MESSAGES / PUBLISHERS; i++) {
            published.add(api.publishedId(channel, "publisher " + publisher + " message " + i));
          }
        }));
      }
      for (Future<?> done : publishing) {
        done.get(30, TimeUnit.SECONDS);
      }
      List<String> channelOrder = api.readAll(channel).stream().map(message -> message.path("id").asText()).toList();
      assertThat(channelOrder).containsExactlyInAnyOrderElementsOf(published);
      assertThat(channelOrder).as("ids sort in channel order").isSorted();

      for (EventStreamClient stream : channelStreams) {
        List<SseEvent> events = stream.awaitEvents(MESSAGES, DELIVERY_BOUND);
        assertThat(events).extracting(SseEvent::id).containsExactlyElementsOf(channelOrder);
      }
      for (EventStreamClient stream : patternStreams) {
        List<SseEvent> events = stream.awaitEvents(MESSAGES, DELIVERY_BOUND);
        assertThat(events).extracting(CrossTransportFanOutTest::messageId).containsExactlyElementsOf(channelOrder);
        assertThat(events).extracting(SseEvent::id).doesNotHaveDuplicates();
      }
      for (CompletableFuture<List<String>> poller : longPolls) {
        assertThat(poller.get(DELIVERY_BOUND.toSeconds(), TimeUnit.SECONDS)).containsExactlyElementsOf(channelOrder);
      }
      for (EventStreamClient stream : channelStreams) {
        assertThat(stream.eventCount()).as("nothing beyond the %d messages", MESSAGES).isEqualTo(MESSAGES);
      }
    } finally {
      publishers.shutdownNow();
      channelStreams.forEach(EventStreamClient::close);
      patternStreams.forEach(EventStreamClient::close);
    }
  }
}

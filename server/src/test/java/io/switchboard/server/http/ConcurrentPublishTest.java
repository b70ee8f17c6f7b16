package io.switchboard.server.http;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many clients publishing to one channel at once: every message gets its own id, in one order. */
class ConcurrentPublishTest {
  private static final int THREADS = 8;
  private static final int PUBLISHES_PER_THREAD = 200;

  // Retention above the 1,600 messages, so reading back sees all of them.
  @RegisterExtension static final ServerFixture server =
      ServerFixture.with(settings -> settings.withRetention(RetentionRules.uniform(new RetentionPolicy(10_000, Duration.ofHours(1)))));

  private final Api api = server.api();

  @Test
  void concurrentPublishersGetDistinctIdsAndEachPublishersOrderIsKept() throws Exception {
    String channel = uniqueChannel("busy");
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService publishers = Executors.newFixedThreadPool(THREADS);
    List<CompletableFuture<List<String>>> acknowledged = new ArrayList<>();
    try {
      for (int thread = 0; thread < THREADS; thread++) {
        int publisher = thread;
        acknowledged.add(CompletableFuture.supplyAsync(() -> {
          awaitStart(start);
          List<String> ids = new ArrayList<>();
          for (int seq = 0; seq < PUBLISHES_PER_THREAD; seq++) {
            ids.add(api.publishedId(channel, publisher + ":" + seq));
          }
          return ids;
        }, publishers));
      }
      start.countDown();
      CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);
    } finally {
      publishers.shutdownNow();
    }

    List<String> acknowledgedIds = new ArrayList<>();
    for (CompletableFuture<List<String>> ids : acknowledged) {
      acknowledgedIds.addAll(ids.get());
    }
    assertThat(new HashSet<>(acknowledgedIds)).as("distinct acknowledged ids").hasSize(THREADS * PUBLISHES_PER_THREAD);

    List<JsonNode> read = api.readAll(channel);
    List<String> readIds = read.stream().map(message -> message.path("id").asText()).toList();
    assertThat(readIds).hasSize(THREADS * PUBLISHES_PER_THREAD)
        .isSortedAccordingTo(String::compareTo)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(acknowledgedIds);

    Map<Integer, List<Integer>> sequencesByPublisher = new HashMap<>();
    for (JsonNode message : read) {
      String[] parts = message.path("data").asText().split(":");
      sequencesByPublisher.computeIfAbsent(Integer.parseInt(parts[0]), key -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
    }
    assertThat(sequencesByPublisher).hasSize(THREADS);
    sequencesByPublisher.forEach((publisher, sequence) -> assertThat(sequence)
        .as("messages of publisher %d in channel order", publisher)
        .hasSize(PUBLISHES_PER_THREAD)
        .isSorted());
  }

  private static void awaitStart(CountDownLatch start) {
    try {
      if (!start.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the publishers were never started");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }
}

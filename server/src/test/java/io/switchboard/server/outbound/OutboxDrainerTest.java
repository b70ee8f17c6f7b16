package io.switchboard.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outboxes that share one drainer, filled from several threads at once as engine threads fill them. */
class OutboxDrainerTest {
  private static final int PRODUCERS = 4;
  private static final int ITEMS_PER_PRODUCER = 2_000;

  private Vertx vertx;
  private Context context;
  private OutboxDrainer drainer;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    drainer = new OutboxDrainer(context);
  }

  @AfterEach
  void stopVertx() {
    vertx.close().await();
  }

  @Test
  void everyItemReachesItsSinkOnTheEventLoopInEachProducersOrder() throws InterruptedException {
    List<RecordingSink> sinks = IntStream.range(0, 50).mapToObj(i -> new RecordingSink()).toList();
    List<Outbox<String>> outboxes = sinks.stream().map(this::outboxWritingTo).toList();

    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      producers.add(new Thread(() -> {
        for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
          for (Outbox<String> outbox : outboxes) {
            outbox.add(producer + ":" + i);
          }
        }
      }));
    }
    producers.forEach(Thread::start);
    for (Thread producer : producers) {
      producer.join();
    }

    await().atMost(Duration.ofSeconds(10))
        .until(() -> sinks.stream().allMatch(sink -> sink.written.size() == PRODUCERS * ITEMS_PER_PRODUCER));
    for (RecordingSink sink : sinks) {
      assertThat(sink.offTheEventLoop).isZero();
      for (int p = 0; p < PRODUCERS; p++) {
        String prefix = p + ":";
        List<String> fromProducer = sink.written.stream().filter(item -> item.startsWith(prefix)).toList();
        assertThat(fromProducer).containsExactlyElementsOf(IntStream.range(0, ITEMS_PER_PRODUCER).mapToObj(i -> prefix + i).toList());
      }
    }
  }

  @Test
  void anOutboxWhoseSinkFailsDoesNotKeepTheOthersOfThePassWaiting() {
    RecordingSink healthy = new RecordingSink();
    Outbox<String> failing = new Outbox<>(drainer, 1_000_000, String::length, new Outbox.Sink<>() {
      @Override
      public void write(List<String> items) {
        throw new IllegalStateException("a broken sink");
      }

      @Override
      public boolean isFull() {
        return false;
      }
    }, () -> {});
    Outbox<String> other = outboxWritingTo(healthy);

    // Both from the event loop, so that both are due in the same pass, the failing one first.
    context.runOnContext(ignored -> {
      failing.add("lost with its connection");
      other.add("delivered");
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> healthy.written.contains("delivered"));
  }

  private Outbox<String> outboxWritingTo(RecordingSink sink) {
    return new Outbox<>(drainer, 100_000_000, String::length, sink, () -> {});
  }

  private static final class RecordingSink implements Outbox.Sink<String> {
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile int offTheEventLoop;

    @Override
    public void write(List<String> items) {
      if (!Context.isOnEventLoopThread()) {
        offTheEventLoop++;
      }
      written.addAll(items);
    }

    @Override
    public boolean isFull() {
      return false;
    }
  }
}

package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final Message MESSAGE = new Message(ORDERS, Cursor.of(ORDERS, 9, 1), 0, "hello", Optional.empty());

  /** A format that counts its calls and returns a new object each time, so identity shows which call won. */
  private static final class CountingFormat implements WireFormat<String> {
    private final int slot;
    private final String prefix;
    final AtomicInteger calls = new AtomicInteger();

    CountingFormat(int slot, String prefix) {
      this.slot = slot;
      this.prefix = prefix;
    }

    @Override
    public int slot() {
      return slot;
    }

    @Override
    public String encode(Message message) {
      calls.incrementAndGet();
      return prefix + message.data(); // a new instance on every call
    }
  }

  @Test
  void theMessageIsTheOneDelivered() {
    assertThat(new Delivery(MESSAGE).message()).isSameAs(MESSAGE);
  }

  @Test
  void eachFormatEncodesOnceAndEveryCallGetsTheSameInstance() {
    Delivery delivery = new Delivery(MESSAGE);
    CountingFormat sse = new CountingFormat(0, "data: ");

    String first = delivery.encoded(sse);
    String second = delivery.encoded(sse);
    String third = delivery.encoded(sse);

    assertThat(first).isEqualTo("data: hello");
    assertThat(second).isSameAs(first);
    assertThat(third).isSameAs(first);
    assertThat(sse.calls).hasValue(1);
  }

  @Test
  void distinctSlotsAreCachedIndependently() {
    Delivery delivery = new Delivery(MESSAGE);
    CountingFormat sse = new CountingFormat(0, "sse:");
    CountingFormat ws = new CountingFormat(WireFormat.MAX_SLOTS - 1, "ws:");

    String sseFrame = delivery.encoded(sse);
    String wsFrame = delivery.encoded(ws);

    assertThat(sseFrame).isEqualTo("sse:hello");
    assertThat(wsFrame).isEqualTo("ws:hello");
    assertThat(delivery.encoded(sse)).isSameAs(sseFrame);
    assertThat(delivery.encoded(ws)).isSameAs(wsFrame);
    assertThat(sse.calls).hasValue(1);
    assertThat(ws.calls).hasValue(1);
  }

  @Test
  void everySlotCanHoldAFormat() {
    Delivery delivery = new Delivery(MESSAGE);
    List<CountingFormat> formats = new ArrayList<>();
    for (int slot = 0; slot < WireFormat.MAX_SLOTS; slot++) {
      formats.add(new CountingFormat(slot, slot + ":"));
    }

    for (CountingFormat format : formats) {
      assertThat(delivery.encoded(format)).isEqualTo(format.slot() + ":hello");
    }
    for (CountingFormat format : formats) {
      assertThat(delivery.encoded(format)).isEqualTo(format.slot() + ":hello");
      assertThat(format.calls).hasValue(1);
    }
  }

  @Test
  void deliveriesDoNotShareEncodings() {
    CountingFormat sse = new CountingFormat(0, "data: ");
    Message other = new Message(ORDERS, Cursor.of(ORDERS, 9, 2), 0, "world", Optional.empty());

    assertThat(new Delivery(MESSAGE).encoded(sse)).isEqualTo("data: hello");
    assertThat(new Delivery(other).encoded(sse)).isEqualTo("data: world");
    assertThat(sse.calls).hasValue(2);
  }

  @Test
  void threadsAskingAtOnceAllGetTheSameInstance() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 500; round++) {
        Delivery delivery = new Delivery(MESSAGE);
        CountingFormat sse = new CountingFormat(3, "data: ");
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          answers.add(pool.submit(() -> {
            ready.countDown();
            go.await();
            return delivery.encoded(sse);
          }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();

        String first = answers.get(0).get(10, TimeUnit.SECONDS);
        for (Future<String> answer : answers) {
          assertThat(answer.get(10, TimeUnit.SECONDS)).as("round %d", round).isSameAs(first);
        }
        assertThat(delivery.encoded(sse)).isSameAs(first);
        assertThat(sse.calls.get()).isBetween(1, threads);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

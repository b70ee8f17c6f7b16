package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.PendingRead;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A wait registered while another wait on the same channel is being released must still be woken
 * by the next publish: the emptied waiter set of the channel may be removed concurrently.
 */
class WaiterRegistrationRaceTest {
  private static final Scheduler NEVER = (delay, task) -> () -> {};
  private static final int ROUNDS = 20_000;

  @Test
  void aWaitRegisteredWhileAnotherIsReleasedIsWokenByThePublish() throws Exception {
    EngineContext context = new EngineContext(Path.of("unused"), Clock.systemUTC(), NEVER,
        RetentionRules.uniform(new RetentionPolicy(10, Duration.ofHours(1))), Duration.ofMinutes(5), 10, EngineContext.SYNC_EACH_COMMIT);
    Broker broker = new Broker(new MemoryEngine(context), NEVER, 1024);
    ChannelName channel = ChannelName.of("race");
    ExecutorService racer = Executors.newSingleThreadExecutor();
    CyclicBarrier start = new CyclicBarrier(2);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        PendingRead leaving = broker.await(channel, StartPosition.latest(), 10, Duration.ofSeconds(30));
        Future<PendingRead> arriving = racer.submit(() -> {
          start.await();
          return broker.await(channel, StartPosition.latest(), 10, Duration.ofSeconds(30));
        });
        start.await();
        leaving.cancel();
        PendingRead waiting = arriving.get(10, TimeUnit.SECONDS);

        broker.publish(channel, Publication.of("round " + round));

        assertThat(waiting.result().toCompletableFuture().isDone()).as("woken in round %d", round).isTrue();
        assertThat(broker.waitingOn(channel)).isZero();
      }
    } finally {
      racer.shutdownNow();
    }
  }
}

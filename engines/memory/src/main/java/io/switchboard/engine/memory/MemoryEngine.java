package io.switchboard.engine.memory;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.AppendListener;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The volatile engine: every channel is a {@link ChannelLog} in a sorted concurrent map.
 *
 * <p>Every operation completes before it returns, on the caller's thread. Each channel log is
 * created with a fresh random epoch, so cursors issued before a restart (or before an idle channel
 * was forgotten) are recognised as stale and answered with a truncation, never misread.
 *
 * <p>A sweep every {@link #SWEEP_INTERVAL} applies age retention to channels nobody touches and
 * forgets a channel that has retained nothing for {@link #FORGET_EMPTY_AFTER}, so memory follows
 * what is retained rather than every name ever used.
 */
public final class MemoryEngine implements Engine {
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
  static final Duration FORGET_EMPTY_AFTER = Duration.ofHours(1);

  private final ConcurrentSkipListMap<ChannelName, ChannelLog> channels = new ConcurrentSkipListMap<>();
  private final EngineContext context;
  private final Clock clock;
  private final Scheduler scheduler;
  private final IdempotencySettings idempotency;
  private final MemorySessionStore sessions = new MemorySessionStore();
  private final MemoryJobStore jobs = new MemoryJobStore();
  private volatile AppendListener listener = message -> {};
  private volatile boolean open = true;
  private volatile Scheduler.Cancellable sweep;

  public MemoryEngine(EngineContext context) {
    this.context = context;
    this.clock = context.clock();
    this.scheduler = context.scheduler();
    this.idempotency = new IdempotencySettings(context.idempotencyWindow().toMillis(), context.idempotencyKeysPerChannel());
    scheduleSweep();
  }

  @Override
  public CompletionStage<Appended> append(ChannelName channel, Publication publication) {
    return answer(() -> {
      checkOpen();
      while (true) {
        ChannelLog log = channels.computeIfAbsent(channel, this::newLog);
        Appended appended = log.append(publication, clock.millis(), idempotency, listener);
        if (appended != null) {
          return appended;
        }
        channels.remove(channel, log);
      }
    });
  }

  @Override
  public CompletionStage<ReadResult> read(ChannelName channel, StartPosition from, int limit) {
    return answer(() -> {
      checkOpen();
      ChannelLog log = channels.get(channel);
      return log != null ? log.read(from, limit, clock.millis()) : ReadResult.ofMissingChannel(channel, from);
    });
  }

  @Override
  public CompletionStage<Long> purge(ChannelName channel) {
    return answer(() -> {
      checkOpen();
      ChannelLog log = channels.get(channel);
      return log == null ? 0L : log.purge();
    });
  }

  @Override
  public CompletionStage<Optional<ChannelInfo>> describe(ChannelName channel) {
    return answer(() -> {
      ChannelLog log = channels.get(channel);
      return Optional.ofNullable(log).map(found -> found.describe(clock.millis()));
    });
  }

  @Override
  public CompletionStage<ChannelPage> list(Optional<ChannelName> after, int limit) {
    return answer(() -> {
      ConcurrentNavigableMap<ChannelName, ChannelLog> view = after.isPresent() ? channels.tailMap(after.get(), false) : channels;
      long now = clock.millis();
      return ChannelPage.of(view.values(), limit, log -> log.describe(now));
    });
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public void listen(AppendListener newListener) {
    this.listener = newListener;
  }

  @Override
  public boolean isReady() {
    return open;
  }

  @Override
  public CompletionStage<Void> close() {
    open = false;
    Scheduler.Cancellable pending = sweep;
    if (pending != null) {
      pending.cancel();
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Applies retention everywhere and forgets idle empty channels; the scheduled sweep runs this. */
  void sweep() {
    long now = clock.millis();
    long forgetAfter = FORGET_EMPTY_AFTER.toMillis();
    channels.values().forEach(log -> {
      if (log.retireIfIdle(now, idempotency, forgetAfter)) {
        channels.remove(log.name(), log);
      }
    });
  }

  int channelCount() {
    return channels.size();
  }

  private void scheduleSweep() {
    sweep = scheduler.schedule(SWEEP_INTERVAL, () -> {
      if (open) {
        sweep();
        scheduleSweep();
      }
    });
  }

  private ChannelLog newLog(ChannelName channel) {
    long epoch = ThreadLocalRandom.current().nextLong(1, Cursor.MAX_EPOCH + 1);
    return new ChannelLog(channel, epoch, context.retention().policyFor(channel));
  }

  private void checkOpen() {
    if (!open) {
      throw new EngineException("the memory engine is closed");
    }
  }

  private static <T> CompletionStage<T> answer(Supplier<T> work) {
    try {
      return CompletableFuture.completedFuture(work.get());
    } catch (RuntimeException failure) {
      return CompletableFuture.failedFuture(failure);
    }
  }
}

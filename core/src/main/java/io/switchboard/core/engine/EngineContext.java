package io.switchboard.core.engine;

import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What the server gives an engine when it opens it.
 *
 * @param dataDir where a durable engine keeps its files (a volatile engine ignores it)
 * @param clock the time source for message times, retention and idempotency windows
 * @param scheduler for the engine's own background work (retention sweeps)
 * @param retention the policy of each channel
 * @param idempotencyWindow how long an idempotency key is remembered
 * @param idempotencyKeysPerChannel at most this many keys are remembered per channel, the oldest
 *     forgotten first, so memory stays bounded whatever clients send
 * @param syncInterval for a durable engine: {@link Duration#ZERO} to sync to disk before an append
 *     is acknowledged (concurrent appends share one sync), or how often to sync, acknowledging
 *     appends once the operating system holds them (a process crash loses nothing; a power loss
 *     may lose up to this interval)
 */
public record EngineContext(
    Path dataDir,
    Clock clock,
    Scheduler scheduler,
    RetentionRules retention,
    Duration idempotencyWindow,
    int idempotencyKeysPerChannel,
    Duration syncInterval) {

  /** Every append synced to disk before it is acknowledged. */
  public static final Duration SYNC_EACH_COMMIT = Duration.ZERO;
}

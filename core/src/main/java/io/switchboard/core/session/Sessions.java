package io.switchboard.core.session;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.time.Scheduler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Stateful sessions: created with a subscription set, read from the acknowledged position (so that
 * delivery is at least once: what is not acknowledged is read again), acknowledged, deleted, and
 * expired after {@code idleTimeout} without use. Transports read a session's messages with the
 * broker, starting at {@link Session#position()}.
 *
 * <p>A session id is 128 random bits in base64url: unguessable, so holding the id is what gives
 * access to the session. Ids that cannot be ids are answered as unknown without asking the store.
 */
public final class Sessions {
  /** The most channels and patterns one session may subscribe to. */
  public static final int MAX_PATTERNS = 64;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final Duration LONGEST_SWEEP_INTERVAL = Duration.ofMinutes(1);

  private final SessionStore store;
  private final Clock clock;
  private final Scheduler scheduler;
  private final long idleTimeoutMillis;
  /** A use is written to the store only when the recorded one is older than this. */
  private final long recordUseAfterMillis;
  private final Duration sweepInterval;
  private final SecureRandom random = new SecureRandom();
  private volatile boolean running = true;
  private volatile Scheduler.Cancellable sweep;

  public Sessions(SessionStore store, Clock clock, Scheduler scheduler, Duration idleTimeout) {
    this.store = store;
    this.clock = clock;
    this.scheduler = scheduler;
    this.idleTimeoutMillis = idleTimeout.toMillis();
    this.recordUseAfterMillis = Math.min(idleTimeoutMillis / 10, LONGEST_SWEEP_INTERVAL.toMillis());
    this.sweepInterval = idleTimeout.compareTo(LONGEST_SWEEP_INTERVAL) < 0 ? idleTimeout : LONGEST_SWEEP_INTERVAL;
    scheduleSweep();
  }

  /**
   * Starts a session on {@code patterns} (1 to {@link #MAX_PATTERNS}) whose position is now: it
   * receives what is published from its creation on.
   *
   * @param owner the subject of the creator's token, or empty for nobody in particular
   */
  public CompletionStage<Session> create(List<ChannelPattern> patterns, String owner) {
    List<ChannelPattern> distinct = patterns.stream().distinct().toList();
    if (distinct.isEmpty()) {
      return CompletableFuture.failedFuture(new InvalidInputException("a session needs at least one channel or pattern"));
    }
    if (distinct.size() > MAX_PATTERNS) {
      return CompletableFuture.failedFuture(new InvalidInputException(
          "a session subscribes to at most " + MAX_PATTERNS + " channels and patterns, not " + distinct.size()));
    }
    long now = clock.millis();
    Session session = new Session(newId(), distinct, StreamCursor.since(now), now, now, idleTimeoutMillis, owner);
    return store.create(session).thenApply(stored -> session);
  }

  /** The session, recording that it is in use (which postpones its expiry); empty when unknown or expired. */
  public CompletionStage<Optional<Session>> use(String id) {
    if (!ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    long now = clock.millis();
    return store.find(id, now).thenCompose(found -> {
      if (found.isEmpty() || now - found.get().lastActiveAt() < recordUseAfterMillis) {
        return CompletableFuture.completedFuture(found);
      }
      return stored(found.get().usedAt(now));
    });
  }

  /**
   * Moves the session's position to {@code cursor}: everything up to it is acknowledged and not
   * read again. Empty when the session is unknown or expired.
   *
   * @throws InvalidInputException (as the stage's failure) when the cursor names a channel the
   *     session does not subscribe to, or reaches back before the session began: it is then
   *     another subscription's cursor
   */
  public CompletionStage<Optional<Session>> acknowledge(String id, StreamCursor cursor) {
    return use(id).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(found);
      }
      Session session = found.get();
      if (cursor.since() < session.position().since()) {
        throw new InvalidInputException("the cursor reaches back before this session began"
            + "; acknowledge with a cursor this session's reads gave");
      }
      for (ChannelName channel : cursor.positions().keySet()) {
        if (!session.covers(channel)) {
          throw new InvalidInputException("the cursor holds a position on channel " + channel
              + ", which this session does not subscribe to; acknowledge with a cursor this session's reads gave");
        }
      }
      return stored(session.withPosition(cursor, clock.millis()));
    });
  }

  /**
   * Ends the session; false when it did not exist or had expired. An expired session the sweep has
   * not removed yet is removed all the same, but answered as absent like everywhere else.
   */
  public CompletionStage<Boolean> delete(String id) {
    if (!ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(false);
    }
    long now = clock.millis();
    return store.find(id, now).thenCompose(found -> store.delete(id).thenApply(deleted -> deleted && found.isPresent()));
  }

  /** Stops the expiry sweep. */
  public void stop() {
    running = false;
    Scheduler.Cancellable pending = sweep;
    if (pending != null) {
      pending.cancel();
    }
  }

  private CompletionStage<Optional<Session>> stored(Session changed) {
    return store.update(changed).thenApply(updated -> updated ? Optional.of(changed) : Optional.empty());
  }

  private String newId() {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  private void scheduleSweep() {
    sweep = scheduler.schedule(sweepInterval, () -> {
      if (!running) {
        return;
      }
      store.removeExpired(clock.millis()).whenComplete((removed, failed) -> {
        if (running) {
          scheduleSweep();
        }
      });
    });
  }
}

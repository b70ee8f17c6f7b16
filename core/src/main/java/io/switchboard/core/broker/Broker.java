package io.switchboard.core.broker;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.time.Scheduler;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The front door of the core: transports publish, read and wait through it; it validates what
 * they pass, delegates storage to the {@link Engine}, and wakes waiting reads when the engine
 * reports an appended message.
 *
 * <p>Threads: any thread may call any method. Waiting reads hold no thread: each is a small
 * object in {@link #waiters}, completed by the engine's append notification or by a timer of the
 * {@link Scheduler}. The broker never blocks.
 *
 * <p>Shutdown: {@link #shutdown()} answers every waiting read at once with what it has (an empty
 * list and its position) and makes later waits answer at once, so that held long polls end
 * cleanly before the transports close.
 */
public final class Broker {
  /** The most messages one read may ask for. */
  public static final int MAX_LIMIT = 1_000;

  /** The longest a read may wait for news. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final Engine engine;
  private final Scheduler scheduler;
  private final int maxMessageBytes;
  private final Map<ChannelName, Set<WaitingRead>> waiters = new ConcurrentHashMap<>();
  private final SubscriptionIndex<LiveSubscription> subscriptions = new SubscriptionIndex<>();
  private final Set<LiveSubscription> openSubscriptions = ConcurrentHashMap.newKeySet();
  private final LongAdder appended = new LongAdder();
  private volatile boolean shuttingDown;

  public Broker(Engine engine, Scheduler scheduler, int maxMessageBytes) {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes + " must be positive");
    }
    this.engine = engine;
    this.scheduler = scheduler;
    this.maxMessageBytes = maxMessageBytes;
    engine.listen(this::onAppended);
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Stores a message and completes once the engine has stored it per its durability setting.
   *
   * @throws MessageTooLargeException when the data is larger than the configured maximum
   */
  public CompletionStage<Appended> publish(ChannelName channel, Publication publication) {
    if (channel.isReserved()) {
      throw new InvalidInputException("channel " + channel + " is written by the server only: channels under "
          + ChannelName.RESERVED_PREFIX + " carry its own events (e.g. job changes); publish elsewhere");
    }
    if (utf8Length(publication.data()) > maxMessageBytes) {
      throw new MessageTooLargeException("message data is larger than the maximum of " + maxMessageBytes + " bytes");
    }
    return engine.append(channel, publication);
  }

  /**
   * Stores a message of the server's own, e.g. a job's change on its reserved channel: no size
   * limit (the server bounds what it sends) and no check of the channel's prefix.
   */
  public CompletionStage<Appended> publishAsServer(ChannelName channel, Publication publication) {
    return engine.append(channel, publication);
  }

  /**
   * Answers at once with up to {@code limit} messages from {@code from}.
   *
   * @throws InvalidInputException for a limit outside 1..{@value #MAX_LIMIT} or a cursor of another channel
   */
  public CompletionStage<ReadResult> read(ChannelName channel, StartPosition from, int limit) {
    checkRead(channel, from, limit);
    return engine.read(channel, from, limit);
  }

  /**
   * Answers as soon as there is news after {@code from} (messages, or the news that history was
   * truncated), or with an empty list and the same position once {@code wait} has passed.
   *
   * @throws InvalidInputException for a wait outside 1 s..60 s, a bad limit or a foreign cursor
   */
  public PendingRead await(ChannelName channel, StartPosition from, int limit, Duration wait) {
    checkRead(channel, from, limit);
    if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(MAX_WAIT) > 0) {
      throw new InvalidInputException("wait must be between 1 and " + MAX_WAIT.toSeconds() + " seconds");
    }
    WaitingRead waiting = new WaitingRead(this, channel, limit);
    if (shuttingDown) {
      waiting.finishWith(engine.read(channel, from, limit));
      return waiting;
    }
    // Added inside compute: forget() may be removing the channel's emptied set at this moment.
    waiters.compute(channel, (name, set) -> {
      Set<WaitingRead> live = set != null ? set : ConcurrentHashMap.newKeySet();
      live.add(waiting);
      return live;
    });
    waiting.start(engine.read(channel, from, limit), scheduler.schedule(wait, waiting::expire));
    if (shuttingDown) {
      // shutdown() may have swept the waiters just before this one was added.
      waiting.expire();
    }
    return waiting;
  }

  /**
   * Starts delivering to {@code listener}: first what {@code start} asks for from history, then
   * every message published to a channel one of {@code patterns} matches. Messages of the history
   * may be delivered before this method returns.
   *
   * @param transport how the subscriber is connected ({@code sse}, {@code ws}, ...), for the
   *     subscriber counts of {@link #describe}
   * @throws InvalidInputException when no pattern is given
   */
  public Subscription subscribe(List<ChannelPattern> patterns, SubscriptionStart start, String transport, SubscriptionListener listener) {
    if (patterns.isEmpty()) {
      throw new InvalidInputException("subscribe to at least one channel or pattern");
    }
    LiveSubscription subscription =
        new LiveSubscription(engine, subscriptions, openSubscriptions::remove, patterns, start, transport, listener);
    openSubscriptions.add(subscription);
    if (shuttingDown) {
      subscription.end(SubscriptionListener.End.SERVER_SHUTDOWN);
      return subscription;
    }
    subscription.open();
    return subscription;
  }

  /**
   * Removes every message {@code channel} retains ({@link Engine#purge}); live subscriptions go on
   * with what is published next. Returns how many messages were removed.
   */
  public CompletionStage<Long> purge(ChannelName channel) {
    return engine.purge(channel);
  }

  /** What the engine holds for {@code channel} and who is subscribed to it; empty if neither. */
  public CompletionStage<Optional<ChannelStatus>> describe(ChannelName channel) {
    return engine.describe(channel).thenApply(info -> {
      Map<String, Integer> subscribers = subscribersOf(channel);
      if (info.isEmpty() && subscribers.values().stream().allMatch(count -> count == 0)) {
        return Optional.empty();
      }
      return Optional.of(new ChannelStatus(channel, info, subscribers));
    });
  }

  /** Live subscribers on this node whose patterns match {@code channel}, by transport. */
  public Map<String, Integer> subscribersOf(ChannelName channel) {
    Map<String, Integer> counts = new TreeMap<>();
    counts.put(ChannelStatus.LONG_POLL, waitingOn(channel));
    Set<LiveSubscription> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    subscriptions.forEachMatch(channel, subscription -> {
      if (seen.add(subscription)) {
        counts.merge(subscription.transport(), 1, Integer::sum);
      }
    });
    return counts;
  }

  /** Messages appended since this broker started, on this node or (with a shared engine) any. */
  public long appendedCount() {
    return appended.sum();
  }

  /** Live subscriptions on this node by transport, and reads held on it as {@link ChannelStatus#LONG_POLL}. */
  public Map<String, Integer> subscriptionsByTransport() {
    Map<String, Integer> counts = new TreeMap<>();
    openSubscriptions.forEach(subscription -> counts.merge(subscription.transport(), 1, Integer::sum));
    counts.merge(ChannelStatus.LONG_POLL, waiters.values().stream().mapToInt(Set::size).sum(), Integer::sum);
    return counts;
  }

  /** Channels the engine holds, ordered by name. */
  public CompletionStage<ChannelPage> list(Optional<ChannelName> after, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT);
    }
    return engine.list(after, limit);
  }

  public int waitingOn(ChannelName channel) {
    Set<WaitingRead> set = waiters.get(channel);
    return set == null ? 0 : set.size();
  }

  public boolean isReady() {
    return !shuttingDown && engine.isReady();
  }

  /**
   * Answers every waiting read now, ends every subscription with
   * {@link SubscriptionListener.End#SERVER_SHUTDOWN}, and makes later waits answer at once and
   * later subscriptions end at once. Idempotent.
   */
  public void shutdown() {
    shuttingDown = true;
    waiters.values().forEach(set -> set.forEach(WaitingRead::expire));
    openSubscriptions.forEach(subscription -> subscription.end(SubscriptionListener.End.SERVER_SHUTDOWN));
  }

  CompletionStage<ReadResult> reread(ChannelName channel, Cursor after, int limit) {
    return engine.read(channel, StartPosition.after(after), limit);
  }

  void forget(WaitingRead waiting) {
    waiters.computeIfPresent(waiting.channel(), (name, set) -> {
      set.remove(waiting);
      return set.isEmpty() ? null : set;
    });
  }

  private void onAppended(Message message) {
    appended.increment();
    // Most appends have no held read waiting: skip the lookup then, it shows in profiles.
    Set<WaitingRead> set = waiters.isEmpty() ? null : waiters.get(message.channel());
    if (set != null) {
      set.forEach(waiting -> waiting.onAppended(message));
    }
    Delivery delivery = new Delivery(message);
    subscriptions.forEachMatch(message.channel(), subscription -> subscription.onAppended(delivery));
  }

  private static void checkRead(ChannelName channel, StartPosition from, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT);
    }
    if (from instanceof StartPosition.After after && after.cursor().channelTag() != Cursor.tagOf(channel)) {
      throw new InvalidInputException("cursor " + after.cursor().encode() + " belongs to another channel than " + channel);
    }
  }

  /** The length of {@code text} in UTF-8, without encoding it. */
  public static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}

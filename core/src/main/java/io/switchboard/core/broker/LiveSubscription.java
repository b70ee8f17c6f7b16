package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A subscription that first catches up from history and then follows live appends, per channel,
 * without a gap or a repeat in between.
 *
 * <p>It is registered for live appends before it reads any history, so nothing appended after it
 * started can be missed; what history and live appends both contain is told apart by offset. Each
 * channel is a {@link Track}: while a track catches up (a history read is in flight) live messages
 * of its channel wait in a bounded buffer; when the read reaches the end, the buffer drains and the
 * track follows live appends directly. A live message that does not follow the track's position
 * (a gap: a lost notification, a new incarnation of the channel) puts the track back into catching
 * up, which lets the engine report a truncation.
 *
 * <p>Flow control: history is delivered only as fast as the listener takes it. When the listener
 * says it {@linkplain SubscriptionListener#isBackedUp is backed up}, a catching-up track parks at
 * the last message delivered (live messages of its channel keep waiting in its bounded buffer) and
 * goes on when the listener calls {@link #resumeDelivery}; so a subscriber far behind costs a
 * bounded buffer, not its whole backlog in memory.
 *
 * <p>Threads: live appends (engine threads, possibly under a channel lock) and history answers
 * (any thread) race; all state is guarded by {@code this}, and the listener is called only while
 * holding it, which keeps calls ordered and never overlapping. The engine is never called while
 * holding {@code this}, so the lock order engine → subscription is the only one.
 */
final class LiveSubscription implements Subscription {
  private static final System.Logger LOG = System.getLogger(LiveSubscription.class.getName());

  /** Messages read from history per engine call. */
  static final int HISTORY_BATCH = 256;
  /** Live messages held per channel while it catches up; beyond this they are re-read from history. */
  static final int CATCH_UP_BUFFER = 1_024;

  private final Engine engine;
  private final SubscriptionIndex<LiveSubscription> index;
  private final Consumer<LiveSubscription> onClose;
  private final List<ChannelPattern> patterns;
  private final SubscriptionStart start;
  private final SubscriptionListener listener;
  private final String transport;

  // Guarded by this.
  private final Map<ChannelName, Track> tracks = new HashMap<>();
  private boolean closed;
  /** Tracks (and channel discovery) still reading the history the start asked for; -1 once caught up. */
  private int initialReads;

  private static final class Track {
    Cursor position;
    boolean catchingUp;
    /** This track's first catch-up counts towards {@link #initialReads}. */
    boolean initial;
    /** Catching up paused because the listener is backed up; {@link #resumeDelivery} goes on. */
    boolean parked;
    /** Deliver only messages stored at or after this time (channels first met through {@code since}). */
    long deliverFrom;
    /**
     * Met through {@code since} rather than a position: until its first history answer, a
     * truncation is news only if messages at or after {@code since} may have been dropped.
     */
    boolean metThroughSince;
    final ArrayDeque<Message> buffered = new ArrayDeque<>();
    boolean overflowed;

    Track(Cursor position) {
      this.position = position;
    }
  }

  LiveSubscription(Engine engine, SubscriptionIndex<LiveSubscription> index, Consumer<LiveSubscription> onClose,
      List<ChannelPattern> patterns, SubscriptionStart start, String transport, SubscriptionListener listener) {
    this.engine = engine;
    this.index = index;
    this.onClose = onClose;
    this.patterns = List.copyOf(patterns);
    this.start = start;
    this.transport = transport;
    this.listener = listener;
  }

  @Override
  public List<ChannelPattern> patterns() {
    return patterns;
  }

  String transport() {
    return transport;
  }

  /**
   * Sets up the tracks of the start, registers for live appends, then catches up. Registration
   * comes after the tracks exist (a live append must find its channel's track, not create one)
   * and before any history read (so an append can only be in history or live, never in neither).
   */
  void open() {
    List<ChannelName> toCatchUp = new ArrayList<>();
    boolean discover = start.readsOtherChannels() && patterns.stream().anyMatch(ChannelPattern::hasWildcards);
    synchronized (this) {
      if (closed) {
        return;
      }
      start.positions().forEach((channel, cursor) -> {
        if (matches(channel)) {
          Track track = new Track(cursor);
          track.catchingUp = true;
          tracks.put(channel, track);
          toCatchUp.add(channel);
        }
      });
      if (start.readsOtherChannels()) {
        for (ChannelPattern pattern : patterns) {
          if (!pattern.hasWildcards()) {
            ChannelName channel = ChannelName.of(pattern.value());
            if (!tracks.containsKey(channel)) {
              tracks.put(channel, sinceTrack(channel));
              toCatchUp.add(channel);
            }
          }
        }
      }
      tracks.values().forEach(track -> track.initial = true);
      // Discovery counts as one pending read until its last page is listed.
      initialReads = tracks.size() + (discover ? 1 : 0) + 1;
    }
    patterns.forEach(pattern -> index.add(pattern, this));
    synchronized (this) {
      if (closed) {
        // Ended (by a shutdown) while registering: close() may have unregistered before we registered.
        patterns.forEach(pattern -> index.remove(pattern, this));
        return;
      }
    }
    toCatchUp.forEach(this::readHistory);
    if (discover) {
      discoverChannels(Optional.empty());
    }
    // The "+ 1" above keeps the count from reaching zero while open() is still starting reads.
    initialReadDone();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      tracks.clear();
    }
    unregister();
  }

  private void unregister() {
    patterns.forEach(pattern -> index.remove(pattern, this));
    onClose.accept(this);
  }

  @Override
  public void resumeDelivery() {
    List<ChannelName> parked = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      tracks.forEach((channel, track) -> {
        if (track.parked) {
          track.parked = false;
          parked.add(channel);
        }
      });
    }
    parked.forEach(this::readHistory);
  }

  /** A live append to a channel this subscription matches. */
  void onAppended(Delivery delivery) {
    Message message = delivery.message();
    ChannelName channel = message.channel();
    boolean read = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      Track track = tracks.get(channel);
      if (track == null) {
        if (!start.readsOtherChannels()) {
          track = new Track(null);
          tracks.put(channel, track);
        } else {
          // A channel met for the first time: its history since the start may hold more.
          track = sinceTrack(channel);
          if (initialReads > 0) {
            track.initial = true;
            initialReads++;
          }
          tracks.put(channel, track);
          buffer(track, message);
          read = true;
        }
      }
      if (!read) {
        if (track.catchingUp) {
          buffer(track, message);
        } else if (track.position == null || follows(track.position, message)) {
          deliver(track, delivery);
        } else if (!isRepeat(track.position, message)) {
          track.catchingUp = true;
          buffer(track, message);
          read = true;
        }
      }
    }
    if (read) {
      readHistory(channel);
    }
  }

  private Track sinceTrack(ChannelName channel) {
    Track track = new Track(Cursor.start(channel, Cursor.ANY_EPOCH));
    track.catchingUp = true;
    track.metThroughSince = true;
    track.deliverFrom = start.otherChannelsSince();
    return track;
  }

  /**
   * Reads history until the track has caught up. Answers that are already there are handled in
   * this loop rather than by recursion, so a long history cannot exhaust the stack.
   */
  private void readHistory(ChannelName channel) {
    while (true) {
      StartPosition from;
      synchronized (this) {
        Track track = tracks.get(channel);
        if (closed || track == null) {
          return;
        }
        if (listener.isBackedUp()) {
          track.parked = true;
          return;
        }
        from = StartPosition.after(track.position);
      }
      CompletableFuture<ReadResult> read = engine.read(channel, from, HISTORY_BATCH).toCompletableFuture();
      if (!read.isDone()) {
        read.whenComplete((result, failure) -> {
          if (failure != null) {
            fail(failure);
          } else if (onHistory(channel, result)) {
            readHistory(channel);
          }
        });
        return;
      }
      ReadResult result;
      try {
        result = read.join();
      } catch (CompletionException | CancellationException failed) {
        fail(failed.getCause() != null ? failed.getCause() : failed);
        return;
      }
      if (!onHistory(channel, result)) {
        return;
      }
    }
  }

  /** Delivers one answer of history; returns whether to read more. */
  private boolean onHistory(ChannelName channel, ReadResult result) {
    synchronized (this) {
      Track track = tracks.get(channel);
      if (closed || track == null) {
        return false;
      }
      if (result.truncation().isPresent() && isNews(track, result)) {
        listener.onTruncated(channel, result.truncation().get());
      }
      track.metThroughSince = false;
      for (Message message : result.messages()) {
        if (track.position == null || !isRepeat(track.position, message)) {
          deliver(track, new Delivery(message));
          if (listener.isBackedUp()) {
            // The position is the last delivered message; the rest is read again on resume.
            track.parked = true;
            return false;
          }
        }
      }
      track.position = result.next();
      if (result.messages().size() == HISTORY_BATCH || track.overflowed) {
        track.overflowed = false;
        track.buffered.clear();
        return true;
      }
      while (!track.buffered.isEmpty()) {
        Message next = track.buffered.peekFirst();
        if (isRepeat(track.position, next)) {
          track.buffered.removeFirst();
        } else if (follows(track.position, next)) {
          deliver(track, new Delivery(track.buffered.removeFirst()));
          if (listener.isBackedUp()) {
            track.parked = true;
            return false;
          }
        } else {
          return true;
        }
      }
      track.catchingUp = false;
      track.deliverFrom = 0;
      if (track.initial) {
        track.initial = false;
        initialReadDone();
      }
      return false;
    }
  }

  /** Guarded by this (re-entered from open()). */
  private synchronized void initialReadDone() {
    if (closed || initialReads < 0) {
      return;
    }
    initialReads--;
    if (initialReads == 0) {
      initialReads = -1;
      listener.onCaughtUp();
    }
  }

  /** Pages through the engine's channels, catching up those the patterns match. */
  private void discoverChannels(Optional<ChannelName> after) {
    Optional<ChannelName> next = after;
    while (true) {
      CompletableFuture<ChannelPage> listed = engine.list(next, HISTORY_BATCH).toCompletableFuture();
      if (!listed.isDone()) {
        listed.whenComplete((page, failure) -> {
          if (failure != null) {
            fail(failure);
          } else {
            newlyMatched(page).forEach(this::readHistory);
            if (page.next().isPresent()) {
              discoverChannels(page.next());
            } else {
              initialReadDone();
            }
          }
        });
        return;
      }
      ChannelPage page;
      try {
        page = listed.join();
      } catch (CompletionException | CancellationException failed) {
        fail(failed.getCause() != null ? failed.getCause() : failed);
        return;
      }
      newlyMatched(page).forEach(this::readHistory);
      if (page.next().isEmpty()) {
        initialReadDone();
        return;
      }
      next = page.next();
    }
  }

  private List<ChannelName> newlyMatched(ChannelPage page) {
    List<ChannelName> found = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return found;
      }
      for (ChannelInfo info : page.channels()) {
        if (matches(info.name()) && !tracks.containsKey(info.name())) {
          Track track = sinceTrack(info.name());
          if (initialReads > 0) {
            track.initial = true;
            initialReads++;
          }
          tracks.put(info.name(), track);
          found.add(info.name());
        }
      }
    }
    return found;
  }

  /**
   * Whether a truncation tells the subscriber something. For a channel met through {@code since}
   * it does only when the dropped messages may be at or after {@code since}: they are older than
   * the oldest retained one, so not when that one is older than {@code since} (and never when
   * {@code since} is 0: "everything retained" was asked for).
   */
  private static boolean isNews(Track track, ReadResult result) {
    if (!track.metThroughSince) {
      return true;
    }
    if (track.deliverFrom == 0) {
      return false;
    }
    return result.messages().isEmpty() || result.messages().get(0).time() >= track.deliverFrom;
  }

  private void deliver(Track track, Delivery delivery) {
    Message message = delivery.message();
    track.position = message.id();
    if (message.time() >= track.deliverFrom) {
      listener.onMessage(delivery);
    }
  }

  private static void buffer(Track track, Message message) {
    if (track.buffered.size() < CATCH_UP_BUFFER) {
      track.buffered.addLast(message);
    } else {
      // Everything buffered is in the engine too: drop it and read it again from history.
      track.overflowed = true;
    }
  }

  private void fail(Throwable failure) {
    LOG.log(System.Logger.Level.WARNING, "closing a subscription to " + patterns + ": the engine failed to read history", failure);
    end(SubscriptionListener.End.ENGINE_FAILED);
  }

  /** Closes the subscription and tells the listener why, unless it was already closed. */
  void end(SubscriptionListener.End why) {
    synchronized (this) {
      if (closed) {
        return;
      }
      // Closed in the same step as the listener is told, so nothing is delivered after it.
      closed = true;
      tracks.clear();
      listener.onClosed(why);
    }
    unregister();
  }

  private boolean matches(ChannelName channel) {
    return patterns.stream().anyMatch(pattern -> pattern.matches(channel));
  }

  private static boolean follows(Cursor position, Message message) {
    return position.isFromEpoch(message.id().epoch()) && message.offset() == position.offset() + 1;
  }

  private static boolean isRepeat(Cursor position, Message message) {
    return position.isFromEpoch(message.id().epoch()) && message.offset() <= position.offset();
  }
}

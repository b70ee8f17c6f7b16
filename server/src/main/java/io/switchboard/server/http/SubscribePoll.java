package io.switchboard.server.http;

import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionListener;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One short or long poll of several channels and patterns ({@code GET /v1/subscribe} without
 * an event stream): a subscription that lives for one answer.
 *
 * <p>It collects what the subscription delivers from history up to {@code limit} messages. A
 * short poll answers once history is caught up (or the limit is reached); a long poll that found
 * nothing in history keeps the subscription open until the first live message, the end of the
 * wait, or shutdown. The answer's cursor advances only over what the answer contains, so the
 * next poll continues exactly there.
 *
 * <p>Threads: subscription callbacks never overlap and are guarded by {@code this} against the
 * timer and the client going away; {@link #answer} lets only the first outcome through.
 */
final class SubscribePoll implements SubscriptionListener {
  /** What one poll found. */
  record Page(List<Message> messages, StreamCursor next, Map<ChannelName, Cursor> truncations, boolean engineFailed) {}

  private final int limit;
  private final boolean waits;
  private final Consumer<Page> onAnswer;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final List<Message> messages = new ArrayList<>();
  private final Map<ChannelName, Cursor> truncations = new LinkedHashMap<>();
  private StreamCursor position;
  private boolean caughtUp;
  private Subscription subscription;

  SubscribePoll(StreamCursor start, int limit, boolean waits, Consumer<Page> onAnswer) {
    this.position = start;
    this.limit = limit;
    this.waits = waits;
    this.onAnswer = onAnswer;
  }

  void attach(Subscription feeding) {
    synchronized (this) {
      subscription = feeding;
    }
    if (answered.get()) {
      feeding.close();
    }
  }

  @Override
  public synchronized void onMessage(Delivery delivery) {
    if (answered.get() || messages.size() == limit) {
      return;
    }
    messages.add(delivery.message());
    position = position.after(delivery.message());
    if (messages.size() == limit || caughtUp) {
      answer(false);
    }
  }

  @Override
  public synchronized void onTruncated(ChannelName channel, Cursor earliest) {
    truncations.put(channel, earliest);
    if (caughtUp) {
      answer(false);
    }
  }

  @Override
  public synchronized void onCaughtUp() {
    caughtUp = true;
    if (!waits || !messages.isEmpty() || !truncations.isEmpty()) {
      answer(false);
    }
  }

  @Override
  public synchronized void onClosed(End why) {
    answer(why == End.ENGINE_FAILED);
  }

  /** The wait is over, or the client went away: answer with what there is. */
  synchronized void expire() {
    answer(false);
  }

  private void answer(boolean engineFailed) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    if (subscription != null) {
      subscription.close();
    }
    onAnswer.accept(new Page(List.copyOf(messages), position, Map.copyOf(truncations), engineFailed));
  }
}

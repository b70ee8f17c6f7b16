package io.switchboard.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.time.ManualScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * How a live subscription catches up when history answers late: live appends racing a pending
 * read, notifications that skip an offset, a catch-up buffer that overflows, a read that fails,
 * and a close while a read is in flight. The test plays the engine: it holds each channel's log
 * and answers every read from it, at the moment it chooses.
 */
class LiveSubscriptionWithScriptedEngineTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final long EPOCH = 7;
  private static final String SSE = "sse";

  private final ScriptedEngine engine = new ScriptedEngine();
  private final Broker broker = new Broker(engine, new ManualScheduler(), 1024);
  private final Recording listener = new Recording();
  /** What the scripted engine "stores", per channel; offset n is at index n - 1. */
  private final Map<ChannelName, List<Message>> logs = new HashMap<>();

  /** What a subscription told its listener, in order. */
  sealed interface Event {}

  record Delivered(Message message) implements Event {}

  record Truncated(ChannelName channel, Cursor earliest) implements Event {}

  record Closed(SubscriptionListener.End why) implements Event {}

  static final class Recording implements SubscriptionListener {
    final List<Event> events = new ArrayList<>();
    /** How many events had come when {@link #onCaughtUp} was called, once per call. */
    final List<Integer> caughtUpAfter = new ArrayList<>();
    /** Runs inside {@link #onClosed}, after recording it: what an engine thread might do at that moment. */
    Runnable duringOnClosed = () -> {};

    @Override
    public void onMessage(Delivery delivery) {
      events.add(new Delivered(delivery.message()));
    }

    @Override
    public void onTruncated(ChannelName channel, Cursor earliest) {
      events.add(new Truncated(channel, earliest));
    }

    @Override
    public void onCaughtUp() {
      caughtUpAfter.add(events.size());
    }

    @Override
    public void onClosed(End why) {
      events.add(new Closed(why));
      duringOnClosed.run();
    }

    List<Long> offsetsOf(ChannelName channel) {
      return events.stream()
          .filter(Delivered.class::isInstance)
          .map(event -> ((Delivered) event).message())
          .filter(message -> message.channel().equals(channel))
          .map(Message::offset)
          .toList();
    }
  }

  private static Cursor at(long offset) {
    return Cursor.of(ORDERS, EPOCH, offset);
  }

  private static List<Long> offsets(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  private List<Message> log(ChannelName channel) {
    return logs.computeIfAbsent(channel, name -> new ArrayList<>());
  }

  /** Stores the next message of {@code channel} without telling the broker (a notification still to come, or lost). */
  private Message store(ChannelName channel) {
    List<Message> log = log(channel);
    long offset = log.size() + 1;
    Message message = new Message(channel, Cursor.of(channel, EPOCH, offset), 0, channel + " #" + offset, Optional.empty());
    log.add(message);
    return message;
  }

  private Message store() {
    return store(ORDERS);
  }

  /** Stores the next message and announces it, as an engine does on append. */
  private Message append() {
    Message message = store();
    engine.announce(message);
    return message;
  }

  private void storeMany(int count) {
    for (int i = 0; i < count; i++) {
      store();
    }
  }

  /** Answers {@code read} as an engine holding the log up to {@code lastOffset} would. */
  private static void answer(ScriptedEngine.Read read, List<Message> log, long lastOffset) {
    long after;
    if (read.from() instanceof StartPosition.After position) {
      after = position.cursor().offset();
    } else {
      after = read.from() instanceof StartPosition.Earliest ? 0 : lastOffset;
    }
    List<Message> slice = log.subList((int) after, (int) Math.min(lastOffset, after + read.limit()));
    Cursor next = slice.isEmpty() ? Cursor.of(read.channel(), EPOCH, after) : slice.get(slice.size() - 1).id();
    read.answer().complete(new ReadResult(slice, next, Optional.empty()));
  }

  /** Answers the next read with everything stored so far. */
  private ScriptedEngine.Read answerNextRead() {
    ScriptedEngine.Read read = engine.nextRead();
    List<Message> log = log(read.channel());
    answer(read, log, log.size());
    return read;
  }

  /** Answers reads, including those the answers lead to, until none is pending; returns how many. */
  private int answerAllReads() {
    int answered = 0;
    while (engine.unansweredReads() > 0) {
      answerNextRead();
      answered++;
    }
    return answered;
  }

  private Subscription subscribeAfter(Cursor cursor) {
    return broker.subscribe(List.of(ChannelPattern.of(ORDERS.value())), SubscriptionStart.after(ORDERS, cursor), SSE, listener);
  }

  private int subscribers(ChannelName channel) {
    return broker.subscribersOf(channel).getOrDefault(SSE, 0);
  }

  @Test
  void theFirstReadAsksForABatchAfterTheStartPosition() {
    storeMany(3);

    subscribeAfter(at(1));

    ScriptedEngine.Read read = engine.nextRead();
    assertThat(read.channel()).isEqualTo(ORDERS);
    assertThat(read.from()).isEqualTo(StartPosition.after(at(1)));
    assertThat(read.limit()).isEqualTo(LiveSubscription.HISTORY_BATCH);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void aLiveAppendWhileHistoryIsReadComesAfterTheHistory() {
    storeMany(5);
    subscribeAfter(at(2));
    ScriptedEngine.Read read = engine.nextRead();

    Message live = append();
    assertThat(listener.events).as("nothing before the history").isEmpty();
    // The engine read its log before the append: the answer ends at 5.
    answer(read, log(ORDERS), 5);

    assertThat(listener.offsetsOf(ORDERS)).containsExactly(3L, 4L, 5L, 6L);
    assertThat(listener.events).last().isEqualTo(new Delivered(live));
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aLiveAppendThatTheHistoryAlsoHoldsIsDeliveredOnce() {
    storeMany(5);
    subscribeAfter(at(2));
    ScriptedEngine.Read read = engine.nextRead();

    append();
    append();
    // The engine read its log after both appends: the answer holds them too.
    answer(read, log(ORDERS), 7);

    assertThat(listener.offsetsOf(ORDERS)).containsExactly(3L, 4L, 5L, 6L, 7L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void onceCaughtUpLiveAppendsAreDeliveredWithoutReading() {
    storeMany(2);
    subscribeAfter(at(0));
    answerNextRead();

    append();
    append();

    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aRepeatedNotificationIsIgnored() {
    storeMany(2);
    subscribeAfter(at(0));
    answerNextRead();

    Message third = append();
    engine.announce(third);
    engine.announce(log(ORDERS).get(0));

    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aLiveAppendThatSkipsAnOffsetIsDeliveredAfterTheGapIsReadFromHistory() {
    storeMany(3);
    subscribeAfter(at(0));
    answerNextRead();
    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L);

    store(); // 4: its notification is lost
    append(); // 5: announced, after a gap

    ScriptedEngine.Read gap = engine.nextRead();
    assertThat(gap.from()).isEqualTo(StartPosition.after(at(3)));
    assertThat(listener.offsetsOf(ORDERS)).as("5 waits for the gap").containsExactly(1L, 2L, 3L);
    append(); // 6: announced while the gap is read
    answer(gap, log(ORDERS), 5);

    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aGapInsideTheCatchUpBufferIsReadFromHistoryBeforeWhatFollowsIt() {
    storeMany(2);
    subscribeAfter(at(0));
    ScriptedEngine.Read first = engine.nextRead();
    append(); // 3
    store(); // 4: its notification is lost
    append(); // 5

    answer(first, log(ORDERS), 2);

    assertThat(listener.offsetsOf(ORDERS)).as("3 follows, 5 waits for 4").containsExactly(1L, 2L, 3L);
    ScriptedEngine.Read gap = engine.nextRead();
    assertThat(gap.from()).isEqualTo(StartPosition.after(at(3)));
    answer(gap, log(ORDERS), 5);
    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aFullBatchOfHistoryIsFollowedByAnotherRead() {
    int stored = 2 * LiveSubscription.HISTORY_BATCH + 10;
    storeMany(stored);
    subscribeAfter(at(0));

    int reads = answerAllReads();

    assertThat(reads).isEqualTo(3);
    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, stored));
  }

  @Test
  void moreLiveAppendsThanTheCatchUpBufferHoldsAreReadAgainAndStillDeliveredOnceInOrder() {
    storeMany(3);
    subscribeAfter(at(0));
    ScriptedEngine.Read first = engine.nextRead();
    int live = LiveSubscription.CATCH_UP_BUFFER + 10;
    for (int i = 0; i < live; i++) {
      append();
    }
    long last = 3 + live;

    // The engine read its log before the live appends.
    answer(first, log(ORDERS), 3);
    assertThat(engine.unansweredReads()).as("the overflowed buffer is read again from history").isEqualTo(1);
    answerAllReads();
    Message after = append();

    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, last + 1));
    assertThat(listener.events).last().isEqualTo(new Delivered(after));
    assertThat(listener.events).allMatch(Delivered.class::isInstance);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void liveAppendsDuringEveryReadOfALongCatchUpAreDeliveredOnceInOrder() {
    storeMany(700);
    subscribeAfter(at(0));
    int reads = 0;
    while (engine.unansweredReads() > 0) {
      ScriptedEngine.Read read = engine.nextRead();
      long known = log(ORDERS).size();
      for (int i = 0; i < 100; i++) {
        append();
      }
      answer(read, log(ORDERS), known);
      reads++;
      assertThat(reads).as("catch-up ends").isLessThan(100);
    }

    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, log(ORDERS).size()));
  }

  @Test
  void anAppendOfANewIncarnationIsAnnouncedAsTruncatedBeforeItsMessages() {
    storeMany(3);
    subscribeAfter(at(0));
    answerNextRead();

    Message reborn = new Message(ORDERS, Cursor.of(ORDERS, EPOCH + 1, 1), 0, "new incarnation", Optional.empty());
    engine.announce(reborn);
    ScriptedEngine.Read read = engine.nextRead();
    assertThat(read.from()).isEqualTo(StartPosition.after(at(3)));
    Cursor earliest = Cursor.of(ORDERS, EPOCH + 1, 0);
    read.answer().complete(new ReadResult(List.of(reborn), reborn.id(), Optional.of(earliest)));

    assertThat(listener.events).endsWith(new Truncated(ORDERS, earliest), new Delivered(reborn));
    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L, 3L, 1L);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aFailedHistoryReadClosesTheSubscriptionWithEngineFailedAndReleasesIt() {
    storeMany(3);
    Subscription subscription = subscribeAfter(at(0));
    assertThat(subscribers(ORDERS)).isEqualTo(1);

    engine.nextRead().answer().completeExceptionally(new EngineException("disk on fire"));
    append();
    subscription.close();

    assertThat(listener.events).containsExactly(new Closed(SubscriptionListener.End.ENGINE_FAILED));
    assertThat(subscribers(ORDERS)).isZero();
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void aFailedGapReadClosesTheSubscriptionAfterWhatWasDelivered() {
    storeMany(2);
    subscribeAfter(at(0));
    answerNextRead();
    store();
    append();

    engine.nextRead().answer().completeExceptionally(new EngineException("connection lost"));

    assertThat(listener.events).containsExactly(
        new Delivered(log(ORDERS).get(0)), new Delivered(log(ORDERS).get(1)), new Closed(SubscriptionListener.End.ENGINE_FAILED));
    assertThat(subscribers(ORDERS)).isZero();
  }

  @Test
  void closeWhileAReadIsPendingDeliversNothingAfterwards() {
    storeMany(3);
    Subscription subscription = subscribeAfter(at(0));
    ScriptedEngine.Read read = engine.nextRead();
    append();

    subscription.close();
    answer(read, log(ORDERS), 4);
    append();

    assertThat(listener.events).isEmpty();
    assertThat(engine.unansweredReads()).as("no read after close").isZero();
    assertThat(subscribers(ORDERS)).isZero();
  }

  @Test
  void closeWhileAFullBatchIsPendingStopsTheCatchUp() {
    storeMany(LiveSubscription.HISTORY_BATCH * 2);
    Subscription subscription = subscribeAfter(at(0));
    answerNextRead();
    ScriptedEngine.Read second = engine.nextRead();

    subscription.close();
    answer(second, log(ORDERS), log(ORDERS).size());

    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, LiveSubscription.HISTORY_BATCH));
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void shutdownWhileAReadIsPendingClosesOnceAndDeliversNothingAfterwards() {
    storeMany(3);
    subscribeAfter(at(0));
    ScriptedEngine.Read read = engine.nextRead();

    broker.shutdown();
    answer(read, log(ORDERS), 3);
    append();

    assertThat(listener.events).containsExactly(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
    assertThat(subscribers(ORDERS)).isZero();
  }

  @Test
  void aChannelAnnouncedWhileChannelsAreListedIsCaughtUpOnceAndDeliveredOnce() {
    engine.holdListings();
    ChannelName one = ChannelName.of("orders.1");
    ChannelName two = ChannelName.of("orders.2");
    store(one);
    store(two);
    store(two);
    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.earliest(), SSE, listener);
    ScriptedEngine.Listing listing = engine.nextListing();
    assertThat(listing.after()).isEmpty();
    assertThat(engine.unansweredReads()).isZero();

    engine.announce(store(one)); // orders.1 is met live before the listing answers
    ScriptedEngine.Read readOne = engine.nextRead();
    assertThat(readOne.channel()).isEqualTo(one);
    listing.answer().complete(new ChannelPage(List.of(info(one), info(two), info(ChannelName.of("chat.1"))), Optional.empty()));
    ScriptedEngine.Read readTwo = engine.nextRead();
    assertThat(readTwo.channel()).as("orders.1 is not read a second time").isEqualTo(two);
    assertThat(engine.unansweredReads()).isZero();
    answer(readTwo, log(two), log(two).size());
    answer(readOne, log(one), log(one).size());
    answerAllReads();

    assertThat(listener.offsetsOf(one)).containsExactly(1L, 2L);
    assertThat(listener.offsetsOf(two)).containsExactly(1L, 2L);
    assertThat(listener.events).hasSize(4).allMatch(Delivered.class::isInstance);
  }

  @Test
  void channelsAreListedPageByPage() {
    engine.holdListings();
    ChannelName one = ChannelName.of("orders.1");
    ChannelName two = ChannelName.of("orders.2");
    store(one);
    store(two);
    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.earliest(), SSE, listener);

    engine.nextListing().answer().complete(new ChannelPage(List.of(info(one)), Optional.of(one)));
    answerAllReads();
    ScriptedEngine.Listing second = engine.nextListing();
    assertThat(second.after()).contains(one);
    second.answer().complete(new ChannelPage(List.of(info(two)), Optional.empty()));
    answerAllReads();

    assertThat(listener.offsetsOf(one)).containsExactly(1L);
    assertThat(listener.offsetsOf(two)).containsExactly(1L);
    assertThat(engine.unansweredListings()).isZero();
  }

  @Test
  void aFailedListingClosesTheSubscriptionWithEngineFailed() {
    engine.holdListings();
    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.earliest(), SSE, listener);

    engine.nextListing().answer().completeExceptionally(new EngineException("connection lost"));

    assertThat(listener.events).containsExactly(new Closed(SubscriptionListener.End.ENGINE_FAILED));
    assertThat(subscribers(ChannelName.of("orders.1"))).isZero();
  }

  // --- onCaughtUp ---------------------------------------------------------------------------

  @Test
  void fromLatestTheSubscriptionIsCaughtUpAtOnce() {
    storeMany(3);

    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.latest(), SSE, listener);

    assertThat(listener.caughtUpAfter).containsExactly(0);
    assertThat(engine.unansweredReads()).isZero();
  }

  @Test
  void afterACursorTheSubscriptionIsCaughtUpOnceTheHistoryIsDeliveredAndNotAgain() {
    storeMany(LiveSubscription.HISTORY_BATCH + 3);
    subscribeAfter(at(0));
    assertThat(listener.caughtUpAfter).isEmpty();

    answerNextRead();
    assertThat(listener.caughtUpAfter).as("a full batch is not the end of the history").isEmpty();
    answerNextRead();
    append();
    store();
    append(); // a gap, read again: that is not a second catch-up
    answerAllReads();

    assertThat(listener.caughtUpAfter).containsExactly(LiveSubscription.HISTORY_BATCH + 3);
    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, LiveSubscription.HISTORY_BATCH + 6));
  }

  @Test
  void aSubscriptionWhoseHistoryReadFailsNeverCatchesUp() {
    subscribeAfter(at(0));

    engine.nextRead().answer().completeExceptionally(new EngineException("disk on fire"));

    assertThat(listener.caughtUpAfter).isEmpty();
  }

  @Test
  void fromEarliestThePatternIsCaughtUpOnlyAfterTheLastPageAndEveryChannelItListed() {
    engine.holdListings();
    ChannelName one = ChannelName.of("orders.1");
    ChannelName two = ChannelName.of("orders.2");
    store(one);
    store(two);
    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.earliest(), SSE, listener);

    engine.nextListing().answer().complete(new ChannelPage(List.of(info(one)), Optional.of(one)));
    answerAllReads();
    assertThat(listener.caughtUpAfter).as("a page is still to come").isEmpty();
    engine.nextListing().answer().complete(new ChannelPage(List.of(info(two)), Optional.empty()));
    assertThat(listener.caughtUpAfter).as("orders.2 is still being read").isEmpty();
    answerAllReads();

    assertThat(listener.caughtUpAfter).containsExactly(2);
  }

  @Test
  void fromEarliestAChannelMetLiveWhileListingIsPartOfTheCatchUp() {
    engine.holdListings();
    ChannelName one = ChannelName.of("orders.1");
    ChannelName two = ChannelName.of("orders.2");
    store(one);
    store(two);
    broker.subscribe(List.of(ChannelPattern.of("orders.*")), SubscriptionStart.earliest(), SSE, listener);
    ScriptedEngine.Listing listing = engine.nextListing();
    engine.announce(store(one)); // orders.1 is met live before the listing answers: its history is still due
    ScriptedEngine.Read readOne = engine.nextRead();

    listing.answer().complete(new ChannelPage(List.of(info(one), info(two)), Optional.empty()));
    answerNextRead(); // orders.2
    assertThat(listener.offsetsOf(two)).containsExactly(1L);
    assertThat(listener.caughtUpAfter).as("the history of orders.1 is not delivered yet").isEmpty();
    answer(readOne, log(one), log(one).size());

    assertThat(listener.offsetsOf(one)).containsExactly(1L, 2L);
    assertThat(listener.caughtUpAfter).containsExactly(3);
  }

  // --- the end of a subscription ------------------------------------------------------------

  /*
   * The two tests below reach, on one thread, the moment between the broker telling the listener
   * that a subscription closed and the subscription actually being closed. On a server that
   * moment is reached by another thread: an engine thread announcing an append or failing a read
   * while shutdown closes the subscription.
   */

  @Test
  void nothingIsDeliveredAfterOnClosed() {
    storeMany(2);
    subscribeAfter(at(0));
    answerNextRead();
    listener.duringOnClosed = () -> engine.announce(store());

    broker.shutdown();

    assertThat(listener.events).last().isEqualTo(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
    assertThat(listener.offsetsOf(ORDERS)).containsExactly(1L, 2L);
  }

  @Test
  void aReadFailingWhileShutdownClosesTheSubscriptionDoesNotCloseItTwice() {
    storeMany(2);
    subscribeAfter(at(0));
    ScriptedEngine.Read read = engine.nextRead();
    listener.duringOnClosed = () -> read.answer().completeExceptionally(new EngineException("connection lost"));

    broker.shutdown();

    assertThat(listener.events).containsExactly(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
  }

  private ChannelInfo info(ChannelName channel) {
    List<Message> log = log(channel);
    Optional<Cursor> last = log.isEmpty() ? Optional.empty() : Optional.of(log.get(log.size() - 1).id());
    return new ChannelInfo(channel, log.size(), Cursor.of(channel, EPOCH, 0), last, Optional.of(0L));
  }
}

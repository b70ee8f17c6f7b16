package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.broker.ChannelStatus;
import io.switchboard.core.broker.Subscription;
import io.switchboard.core.broker.SubscriptionListener;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.message.Delivery;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Live subscriptions on the real memory engine: what each start position delivers, pattern
 * matching, catch-up into live without a gap or a repeat, truncation, close and shutdown, and
 * publishers racing the catch-up.
 */
class SubscriptionOnMemoryEngineTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final ChannelName CHAT = ChannelName.of("chat.room-1");
  private static final String SSE = "sse";
  private static final String WS = "ws";
  private static final RetentionPolicy ROOMY = new RetentionPolicy(5_000, Duration.ofHours(1));
  /** LiveSubscription.HISTORY_BATCH (package-private in the core): how many messages one history read asks for. */
  private static final int HISTORY_BATCH = 256;

  private final MutableClock clock = new MutableClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private MemoryEngine engine = open(ROOMY);
  private Broker broker = new Broker(engine, scheduler, 64 * 1024);

  private MemoryEngine open(RetentionPolicy policy) {
    return new MemoryEngine(new EngineContext(Path.of("unused"), clock, scheduler, RetentionRules.uniform(policy),
        Duration.ofMinutes(5), 10_000, EngineContext.SYNC_EACH_COMMIT));
  }

  /** Starts over on an engine with another retention; only for the start of a test. */
  private void reopenWith(RetentionPolicy policy) {
    broker.shutdown();
    engine.close();
    engine = open(policy);
    broker = new Broker(engine, scheduler, 64 * 1024);
  }

  @AfterEach
  void closeEngine() {
    broker.shutdown();
    engine.close();
  }

  /** What a subscription told its listener, in order. */
  sealed interface Event {}

  record Delivered(Message message) implements Event {}

  record Truncated(ChannelName channel, Cursor earliest) implements Event {}

  record Closed(SubscriptionListener.End why) implements Event {}

  /** Records every call, and whether two calls ever overlapped. */
  static final class Recording implements SubscriptionListener {
    private final List<Event> events = new ArrayList<>();
    /** How many events had come when {@link #onCaughtUp} was called, once per call. */
    private final List<Integer> caughtUpAfter = new ArrayList<>();
    private final AtomicBoolean inCall = new AtomicBoolean();
    private volatile boolean overlapped;

    @Override
    public void onMessage(Delivery delivery) {
      record(new Delivered(delivery.message()));
    }

    @Override
    public void onTruncated(ChannelName channel, Cursor earliest) {
      record(new Truncated(channel, earliest));
    }

    @Override
    public void onClosed(End why) {
      record(new Closed(why));
    }

    @Override
    public void onCaughtUp() {
      synchronized (events) {
        caughtUpAfter.add(events.size());
      }
    }

    List<Integer> caughtUpAfter() {
      synchronized (events) {
        return List.copyOf(caughtUpAfter);
      }
    }

    private void record(Event event) {
      if (!inCall.compareAndSet(false, true)) {
        overlapped = true;
      }
      synchronized (events) {
        events.add(event);
      }
      inCall.set(false);
    }

    List<Event> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    List<Message> messages() {
      return events().stream().filter(Delivered.class::isInstance).map(event -> ((Delivered) event).message()).toList();
    }

    List<Message> messagesOf(ChannelName channel) {
      return messages().stream().filter(message -> message.channel().equals(channel)).toList();
    }

    List<Long> offsetsOf(ChannelName channel) {
      return messagesOf(channel).stream().map(Message::offset).toList();
    }

    boolean overlapped() {
      return overlapped;
    }
  }

  private static <T> T done(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    assertThat(future).isDone();
    return future.join();
  }

  private Message publish(ChannelName channel, String data) {
    return done(broker.publish(channel, Publication.of(data))).message();
  }

  private List<Message> publishMany(ChannelName channel, int count) {
    List<Message> published = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      published.add(publish(channel, channel + " #" + i));
    }
    return published;
  }

  private Subscription subscribe(SubscriptionStart start, Recording listener, String... patterns) {
    return subscribe(SSE, start, listener, patterns);
  }

  private Subscription subscribe(String transport, SubscriptionStart start, Recording listener, String... patterns) {
    List<ChannelPattern> parsed = Arrays.stream(patterns).map(ChannelPattern::of).toList();
    return broker.subscribe(parsed, start, transport, listener);
  }

  private static List<Event> delivered(List<Message> messages) {
    return messages.stream().<Event>map(Delivered::new).toList();
  }

  private static List<Long> offsets(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  private int subscribers(ChannelName channel, String transport) {
    return broker.subscribersOf(channel).getOrDefault(transport, 0);
  }

  // --- latest -------------------------------------------------------------------------------

  @Test
  void fromLatestOnlyMessagesPublishedAfterSubscribingArriveInOrderExactlyOnce() {
    publishMany(ORDERS, 3);
    Recording listener = new Recording();
    subscribe(SubscriptionStart.latest(), listener, ORDERS.value());
    assertThat(listener.events()).isEmpty();

    Message first = publish(ORDERS, "a");
    publish(CHAT, "elsewhere");
    Message second = publish(ORDERS, "b");
    Message third = publish(ORDERS, "c");

    assertThat(listener.events()).containsExactlyElementsOf(delivered(List.of(first, second, third)));
  }

  @Test
  void aStarPatternGetsChannelsOneSegmentDeepAndNoOthers() {
    Recording listener = new Recording();
    subscribe(SubscriptionStart.latest(), listener, "orders.*");

    publish(ChannelName.of("orders"), "too shallow");
    Message one = publish(ChannelName.of("orders.1"), "one");
    publish(ChannelName.of("orders.1.x"), "too deep");
    Message two = publish(ChannelName.of("orders.2"), "two");
    publish(ChannelName.of("billing.1"), "another prefix");

    assertThat(listener.events()).containsExactlyElementsOf(delivered(List.of(one, two)));
  }

  @Test
  void aTailPatternGetsChannelsAtEveryDepthBelowItsPrefix() {
    Recording listener = new Recording();
    subscribe(SubscriptionStart.latest(), listener, "orders.>");

    publish(ChannelName.of("orders"), "the prefix itself");
    Message one = publish(ChannelName.of("orders.1"), "one");
    Message deep = publish(ChannelName.of("orders.1.x"), "deeper");
    Message deeper = publish(ChannelName.of("orders.1.x.y"), "deeper still");
    publish(ChannelName.of("billing.1"), "another prefix");

    assertThat(listener.events()).containsExactlyElementsOf(delivered(List.of(one, deep, deeper)));
  }

  @Test
  void anEmptyPatternListIsRejected() {
    Recording listener = new Recording();

    assertThatThrownBy(() -> broker.subscribe(List.of(), SubscriptionStart.latest(), SSE, listener))
        .isInstanceOf(InvalidInputException.class);
    assertThat(listener.events()).isEmpty();
  }

  // --- after a cursor -----------------------------------------------------------------------

  @Test
  void afterACursorHistoryIsCaughtUpAndThenLiveMessagesFollowWithoutRepeats() {
    List<Message> history = publishMany(ORDERS, 5);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, history.get(1).id()), listener, ORDERS.value());
    Message live = publish(ORDERS, "live");

    assertThat(listener.events()).containsExactlyElementsOf(
        delivered(List.of(history.get(2), history.get(3), history.get(4), live)));
  }

  @Test
  void afterTheLastMessageOnlyLiveMessagesArrive() {
    List<Message> history = publishMany(ORDERS, 3);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, history.get(2).id()), listener, ORDERS.value());
    assertThat(listener.events()).isEmpty();
    Message live = publish(ORDERS, "live");

    assertThat(listener.events()).containsExactly(new Delivered(live));
  }

  @Test
  void aHistoryLongerThanOneReadIsCaughtUpCompletely() {
    int count = 1_000;
    assertThat(count).isGreaterThan(3 * HISTORY_BATCH);
    List<Message> history = publishMany(ORDERS, count);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, history.get(0).id()), listener, ORDERS.value());
    publish(ORDERS, "live");

    assertEveryOffsetOnceInOrder(listener, ORDERS, 2, count + 1, "long history");
    assertThat(listener.caughtUpAfter()).containsExactly(count - 1);
    assertThat(listener.events()).allMatch(Delivered.class::isInstance);
  }

  @Test
  void aPositionBeforeAnyLogReadsEveryRetainedMessage() {
    publishMany(ORDERS, 300);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, Cursor.start(ORDERS, Cursor.ANY_EPOCH)), listener, ORDERS.value());

    assertThat(listener.offsetsOf(ORDERS)).isEqualTo(offsets(1, 300));
    assertThat(listener.events()).allMatch(Delivered.class::isInstance);
  }

  /**
   * A publisher keeps publishing while the subscription starts after a cursor well behind. Many
   * unrelated patterns widen the moment between registering for live appends (pattern by pattern)
   * and taking the start position, which is where a live append must not slip through.
   */
  @ParameterizedTest(name = "{1} with {0} unrelated patterns")
  @CsvSource({"0, after", "500, after", "0, resume", "500, resume"})
  void publishesRacingTheSubscribeAreDeliveredExactlyOnceInOrder(int unrelatedPatterns, String startKind) throws Exception {
    int rounds = 30;
    int total = 3_000;
    ExecutorService publisher = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < rounds; round++) {
        ChannelName channel = ChannelName.of("race." + round);
        List<Message> before = publishMany(channel, 100);
        CountDownLatch running = new CountDownLatch(1);
        Future<?> publishing = publisher.submit(() -> {
          for (int i = before.size() + 1; i <= total; i++) {
            publish(channel, "m" + i);
            if (i == 200) {
              running.countDown();
            }
          }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        Recording listener = new Recording();

        List<String> patterns = new ArrayList<>();
        patterns.add(channel.value());
        for (int i = 0; i < unrelatedPatterns; i++) {
          patterns.add("unrelated." + i + ".*");
        }

        Cursor cursor = before.get(49).id();
        SubscriptionStart start = startKind.equals("after")
            ? SubscriptionStart.after(channel, cursor)
            : SubscriptionStart.resume(StreamCursor.since(clock.millis()).after(before.get(49)));

        Subscription subscription = subscribe(start, listener, patterns.toArray(String[]::new));
        publishing.get(10, TimeUnit.SECONDS);

        assertEveryOffsetOnceInOrder(listener, channel, 51, total, "round " + round);
        assertThat(listener.events()).as("round %d", round).allMatch(Delivered.class::isInstance);
        assertThat(listener.overlapped()).isFalse();
        subscription.close();
      }
    } finally {
      publisher.shutdownNow();
    }
  }

  // --- earliest -----------------------------------------------------------------------------

  @Test
  void fromEarliestAnExactChannelGetsEverythingRetainedThenLive() {
    List<Message> history = publishMany(ORDERS, 3);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.earliest(), listener, ORDERS.value());
    Message live = publish(ORDERS, "live");

    List<Message> expected = new ArrayList<>(history);
    expected.add(live);
    assertThat(listener.events()).containsExactlyElementsOf(delivered(expected));
  }

  @Test
  void fromEarliestAPatternDiscoversEveryExistingChannelAcrossListPages() {
    int channels = 300; // more than one page of the engine's channel list
    Map<ChannelName, List<Message>> published = new HashMap<>();
    for (int i = 0; i < channels; i++) {
      ChannelName channel = ChannelName.of(String.format("orders.%03d", i));
      published.put(channel, publishMany(channel, 1 + i % 3));
    }
    publishMany(CHAT, 2);
    publishMany(ChannelName.of("orders.1.deep"), 2);
    publishMany(ChannelName.of("zzz.after-orders"), 2);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.earliest(), listener, "orders.*");

    int retained = published.values().stream().mapToInt(List::size).sum();
    assertThat(listener.messages()).hasSize(retained);
    assertThat(listener.caughtUpAfter()).as("caught up once, after the last channel's history").containsExactly(retained);
    published.forEach((channel, messages) -> assertThat(listener.messagesOf(channel)).as(channel.value()).isEqualTo(messages));
    assertThat(listener.events()).allMatch(Delivered.class::isInstance);

    ChannelName some = ChannelName.of("orders.150");
    Message live = publish(some, "live");
    Message fresh = publish(ChannelName.of("orders.new"), "a channel created after subscribing");
    publish(CHAT, "not matched");

    assertThat(listener.messagesOf(some)).endsWith(live);
    assertThat(listener.messagesOf(ChannelName.of("orders.new"))).containsExactly(fresh);
    assertThat(listener.messagesOf(CHAT)).isEmpty();
  }

  // --- resume -------------------------------------------------------------------------------

  @Test
  void resumingAStreamCursorDeliversExactlyWhatWasMissed() {
    ChannelName one = ChannelName.of("orders.1");
    ChannelName two = ChannelName.of("orders.2");
    ChannelName three = ChannelName.of("orders.3");
    ChannelName four = ChannelName.of("orders.4");
    ChannelName other = ChannelName.of("billing.1");
    publish(one, "stored before since");
    publish(four, "stored before since, on a channel the first subscription never sees");
    clock.advance(Duration.ofSeconds(1));
    long since = clock.millis();
    Message a = publish(one, "a");
    Message b = publish(one, "b");

    Recording first = new Recording();
    Subscription subscription = subscribe(SubscriptionStart.resume(StreamCursor.since(since)), first, "orders.*");
    Message c = publish(two, "c");
    assertThat(first.events()).containsExactlyElementsOf(delivered(List.of(a, b, c)));
    StreamCursor cursor = StreamCursor.since(since);
    for (Message delivered : first.messages()) {
      cursor = cursor.after(delivered);
    }
    subscription.close();

    clock.advance(Duration.ofSeconds(1));
    Message d = publish(one, "d");
    Message e = publish(two, "e");
    Message f = publish(three, "f, on a new channel");
    Message g = publish(four, "g, on a channel that had only old messages");
    Message h = publish(one, "h");
    publish(other, "not matched");
    assertThat(first.events()).hasSize(3);

    Recording resumed = new Recording();
    subscribe(SubscriptionStart.resume(StreamCursor.parse(cursor.encode())), resumed, "orders.*");

    assertThat(resumed.events()).allMatch(Delivered.class::isInstance);
    assertThat(resumed.messagesOf(one)).containsExactly(d, h);
    assertThat(resumed.messagesOf(two)).containsExactly(e);
    assertThat(resumed.messagesOf(three)).containsExactly(f);
    assertThat(resumed.messagesOf(four)).containsExactly(g);
    assertThat(resumed.messages()).hasSize(5);
    assertThat(resumed.caughtUpAfter()).containsExactly(5);

    Message live = publish(three, "live");
    assertThat(resumed.messagesOf(three)).containsExactly(f, live);
  }

  @Test
  void resumingAStreamCursorAnnouncesMessagesOfANewChannelThatRetentionDroppedSinceThen() {
    reopenWith(new RetentionPolicy(5, Duration.ofHours(1)));
    long since = clock.millis();
    ChannelName fresh = ChannelName.of("orders.new");
    List<Message> published = publishMany(fresh, 8); // all stored at or after since; retention keeps the last 5
    Recording listener = new Recording();

    subscribe(SubscriptionStart.resume(StreamCursor.since(since)), listener, "orders.*");

    List<Event> expected = new ArrayList<>();
    expected.add(new Truncated(fresh, published.get(2).id()));
    expected.addAll(delivered(published.subList(3, 8)));
    assertThat(listener.events()).containsExactlyElementsOf(expected);
  }

  // --- truncation ---------------------------------------------------------------------------

  @Test
  void aCursorOlderThanRetentionIsAnnouncedAsTruncatedBeforeTheRetainedMessages() {
    reopenWith(new RetentionPolicy(5, Duration.ofHours(1)));
    List<Message> published = publishMany(ORDERS, 20);
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, published.get(2).id()), listener, ORDERS.value());
    Message live = publish(ORDERS, "live");

    List<Event> expected = new ArrayList<>();
    expected.add(new Truncated(ORDERS, published.get(14).id()));
    expected.addAll(delivered(published.subList(15, 20)));
    expected.add(new Delivered(live));
    assertThat(listener.events()).containsExactlyElementsOf(expected);
  }

  @Test
  void aCursorOfAnotherIncarnationIsAnnouncedAsTruncatedBeforeTheRetainedMessages() {
    List<Message> published = publishMany(ORDERS, 3);
    long epoch = published.get(0).id().epoch();
    long otherEpoch = epoch == Cursor.MAX_EPOCH ? 1 : epoch + 1;
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, Cursor.of(ORDERS, otherEpoch, 2)), listener, ORDERS.value());

    List<Event> expected = new ArrayList<>();
    expected.add(new Truncated(ORDERS, Cursor.of(ORDERS, epoch, 0)));
    expected.addAll(delivered(published));
    assertThat(listener.events()).containsExactlyElementsOf(expected);
  }

  @Test
  void aCursorOfAForgottenChannelIsAnnouncedAsTruncatedAndTheNewIncarnationFollows() {
    reopenWith(new RetentionPolicy(5, Duration.ofMinutes(1)));
    Message last = publishMany(ORDERS, 3).get(2);
    scheduler.advance(MemoryEngine.FORGET_EMPTY_AFTER.plus(Duration.ofMinutes(2)));
    assertThat(engine.channelCount()).as("the idle channel was forgotten").isZero();
    Recording listener = new Recording();

    subscribe(SubscriptionStart.after(ORDERS, last.id()), listener, ORDERS.value());
    Message reborn = publish(ORDERS, "first of the new incarnation");

    assertThat(reborn.offset()).isEqualTo(1);
    assertThat(listener.events()).containsExactly(
        new Truncated(ORDERS, Cursor.start(ORDERS, Cursor.ANY_EPOCH)),
        new Delivered(reborn));
  }

  // --- overlapping patterns -----------------------------------------------------------------

  @Test
  void twoPatternsMatchingTheSameChannelDeliverEachMessageOnce() {
    ChannelName channel = ChannelName.of("orders.1");
    List<Message> history = publishMany(channel, 3);
    Recording live = new Recording();
    Recording fromEarliest = new Recording();
    Recording afterCursor = new Recording();

    subscribe(SubscriptionStart.latest(), live, "orders.*", "orders.>");
    subscribe(SubscriptionStart.earliest(), fromEarliest, "orders.*", "orders.>");
    subscribe(SubscriptionStart.after(channel, history.get(0).id()), afterCursor, "orders.*", "orders.>", "orders.1");
    Message next = publish(channel, "next");
    Message deep = publish(ChannelName.of("orders.1.x"), "only the tail matches");

    assertThat(live.events()).containsExactlyElementsOf(delivered(List.of(next, deep)));
    assertThat(fromEarliest.events()).containsExactlyElementsOf(
        delivered(List.of(history.get(0), history.get(1), history.get(2), next, deep)));
    assertThat(afterCursor.events()).containsExactlyElementsOf(delivered(List.of(history.get(1), history.get(2), next, deep)));
    assertThat(broker.subscribersOf(channel)).containsEntry(SSE, 3);
  }

  // --- close and shutdown -------------------------------------------------------------------

  @Test
  void afterCloseNothingIsDeliveredAndTheSubscriberCountsDropToZero() {
    ChannelName channel = ChannelName.of("orders.1");
    Recording sse = new Recording();
    Recording ws = new Recording();
    Subscription sseSubscription = subscribe(SSE, SubscriptionStart.latest(), sse, "orders.*");
    Subscription wsSubscription = subscribe(WS, SubscriptionStart.latest(), ws, "orders.>", "orders.1");
    assertThat(subscribers(channel, SSE)).isEqualTo(1);
    assertThat(subscribers(channel, WS)).isEqualTo(1);
    assertThat(subscribers(ChannelName.of("orders.1.x"), SSE)).isZero();
    assertThat(subscribers(ChannelName.of("orders.1.x"), WS)).isEqualTo(1);
    Message first = publish(channel, "first");

    sseSubscription.close();
    Message second = publish(channel, "second");
    wsSubscription.close();
    wsSubscription.close(); // idempotent
    publish(channel, "third");

    assertThat(sse.events()).containsExactly(new Delivered(first));
    assertThat(ws.events()).containsExactly(new Delivered(first), new Delivered(second));
    assertThat(subscribers(channel, SSE)).isZero();
    assertThat(subscribers(channel, WS)).isZero();
    assertThat(subscribers(ChannelName.of("orders.1.x"), WS)).isZero();
  }

  @Test
  void describeShowsTheSubscriberCountsOfAChannelWhileSubscriptionsAreOpen() {
    ChannelName channel = ChannelName.of("orders.1");
    Subscription sse = subscribe(SSE, SubscriptionStart.latest(), new Recording(), "orders.*");
    subscribe(SSE, SubscriptionStart.latest(), new Recording(), "orders.>");
    Subscription ws = subscribe(WS, SubscriptionStart.latest(), new Recording(), "orders.1");

    ChannelStatus status = done(broker.describe(channel)).orElseThrow();
    assertThat(status.stored()).isEmpty();
    assertThat(status.subscribers()).containsEntry(SSE, 2).containsEntry(WS, 1).containsEntry(ChannelStatus.LONG_POLL, 0);

    sse.close();
    ws.close();
    assertThat(done(broker.describe(channel)).orElseThrow().subscribers()).containsEntry(SSE, 1);
  }

  @Test
  void aChannelWithNeitherMessagesNorSubscribersIsNotDescribedOnceTheLastSubscriptionCloses() {
    ChannelName channel = ChannelName.of("orders.1");
    Subscription subscription = subscribe(SubscriptionStart.latest(), new Recording(), "orders.*");
    assertThat(done(broker.describe(channel))).isPresent();

    subscription.close();

    assertThat(done(broker.describe(channel))).isEmpty();
  }

  @Test
  void shutdownClosesEveryOpenSubscriptionOnceWithServerShutdown() {
    Recording first = new Recording();
    Recording second = new Recording();
    Recording closedEarlier = new Recording();
    subscribe(SubscriptionStart.latest(), first, "orders.*");
    subscribe(WS, SubscriptionStart.earliest(), second, ORDERS.value());
    subscribe(SubscriptionStart.latest(), closedEarlier, "chat.*").close();

    broker.shutdown();
    broker.shutdown();
    publish(ORDERS, "after shutdown");

    assertThat(first.events()).containsExactly(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
    assertThat(second.events()).containsExactly(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
    assertThat(closedEarlier.events()).isEmpty();
    assertThat(subscribers(ORDERS, SSE)).isZero();
    assertThat(subscribers(ORDERS, WS)).isZero();
  }

  @Test
  void aSubscriptionAfterShutdownIsClosedAtOnceWithServerShutdown() {
    publishMany(ORDERS, 2);
    broker.shutdown();
    Recording listener = new Recording();

    subscribe(SubscriptionStart.earliest(), listener, "orders.*");
    publish(ORDERS, "after shutdown");

    assertThat(listener.events()).containsExactly(new Closed(SubscriptionListener.End.SERVER_SHUTDOWN));
    assertThat(subscribers(ORDERS, SSE)).isZero();
  }

  // --- concurrency --------------------------------------------------------------------------

  @Test
  void concurrentPublishersOnSeveralChannelsAreDeliveredInOrderWithoutGapsOrRepeats() throws Exception {
    int publishers = 4;
    int perPublisher = 2_000;
    int subscribeAt = 500;
    List<ChannelName> channels = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      channels.add(ChannelName.of("orders." + i));
    }
    AtomicReferenceArray<Message> startedFrom = new AtomicReferenceArray<>(publishers);
    CountDownLatch halfway = new CountDownLatch(publishers);
    CountDownLatch subscribed = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int index = p;
        running.add(pool.submit(() -> {
          for (int i = 1; i <= perPublisher; i++) {
            Message message = publish(channels.get(index), "m" + i);
            if (i == subscribeAt / 2) {
              startedFrom.set(index, message);
            }
            if (i == subscribeAt) {
              halfway.countDown();
            }
            if (i == perPublisher / 2) {
              // Keep the second half racing the catch-up rather than finishing before it starts.
              subscribed.await(10, TimeUnit.SECONDS);
            }
          }
          return null;
        }));
      }
      assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
      Map<ChannelName, Cursor> positions = new HashMap<>();
      for (int p = 0; p < publishers; p++) {
        positions.put(channels.get(p), startedFrom.get(p).id());
      }
      Recording listener = new Recording();

      subscribe(new SubscriptionStart(positions, SubscriptionStart.NOW), listener, "orders.*");
      subscribed.countDown();
      for (Future<?> publisher : running) {
        publisher.get(20, TimeUnit.SECONDS);
      }

      for (ChannelName channel : channels) {
        assertEveryOffsetOnceInOrder(listener, channel, subscribeAt / 2 + 1, perPublisher, "4 publishers");
      }
      assertThat(listener.events()).allMatch(Delivered.class::isInstance);
      assertThat(listener.overlapped()).as("listener calls overlapped").isFalse();
    } finally {
      subscribed.countDown();
      pool.shutdownNow();
    }
  }

  /**
   * Asserts that {@code channel} delivered every offset from {@code first} to {@code last} exactly
   * once and in order, naming the first places where it did not (rather than printing thousands of
   * offsets).
   */
  private static void assertEveryOffsetOnceInOrder(Recording listener, ChannelName channel, long first, long last, String context) {
    List<Long> actual = listener.offsetsOf(channel);
    if (actual.equals(offsets(first, last))) {
      return;
    }
    List<String> outOfStep = new ArrayList<>();
    long expected = first;
    for (int i = 0; i < actual.size() && outOfStep.size() < 10; i++) {
      if (actual.get(i) != expected) {
        outOfStep.add("#" + i + ": " + actual.get(i) + " where " + expected + " was due");
      }
      expected = actual.get(i) + 1;
    }
    fail("%s, %s: expected offsets %d..%d exactly once in order, got %d deliveries from %s to %s; out of step: %s",
        context, channel, first, last, actual.size(), actual.isEmpty() ? "-" : actual.get(0),
        actual.isEmpty() ? "-" : actual.get(actual.size() - 1), outOfStep.isEmpty() ? "none (ends early or late)" : outOfStep);
  }
}

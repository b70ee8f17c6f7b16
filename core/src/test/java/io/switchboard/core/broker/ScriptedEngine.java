package io.switchboard.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.AppendListener;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.message.StartPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An engine whose reads answer only when the test says so, and whose append notifications the test
 * sends by hand: it lets broker tests reach the orderings a slow or remote engine produces (an
 * append announced before the first read answers, a read failing, notifications out of order),
 * which the memory engine, answering at once, never does.
 *
 * <p>Not thread-safe: tests drive it from one thread.
 */
final class ScriptedEngine implements Engine {
  /** A read the broker issued, waiting for the test to answer it. */
  record Read(ChannelName channel, StartPosition from, int limit, CompletableFuture<ReadResult> answer) {}

  /** A page of the channel list the broker asked for, waiting for the test (see {@link #holdListings}). */
  record Listing(Optional<ChannelName> after, int limit, CompletableFuture<ChannelPage> answer) {}

  private final Deque<Read> reads = new ArrayDeque<>();
  private final Deque<Listing> listings = new ArrayDeque<>();
  private boolean holdListings;
  private final List<Publication> appended = new ArrayList<>();
  private AppendListener listener;
  private long epoch = 7;
  private long lastOffset;

  @Override
  public CompletionStage<Appended> append(ChannelName channel, Publication publication) {
    appended.add(publication);
    Message message = new Message(channel, Cursor.of(channel, epoch, ++lastOffset), 0, publication.data(), publication.event());
    announce(message);
    return CompletableFuture.completedFuture(new Appended(message, false));
  }

  @Override
  public CompletionStage<ReadResult> read(ChannelName channel, StartPosition from, int limit) {
    Read read = new Read(channel, from, limit, new CompletableFuture<>());
    reads.add(read);
    return read.answer();
  }

  @Override
  public CompletionStage<Long> purge(ChannelName channel) {
    return CompletableFuture.completedFuture(0L);
  }

  @Override
  public CompletionStage<Optional<ChannelInfo>> describe(ChannelName channel) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletionStage<ChannelPage> list(Optional<ChannelName> after, int limit) {
    if (!holdListings) {
      return CompletableFuture.completedFuture(new ChannelPage(List.of(), Optional.empty()));
    }
    Listing listing = new Listing(after, limit, new CompletableFuture<>());
    listings.add(listing);
    return listing.answer();
  }

  @Override
  public SessionStore sessions() {
    throw new UnsupportedOperationException("the broker does not use sessions");
  }

  @Override
  public JobStore jobs() {
    throw new UnsupportedOperationException("the broker does not use jobs");
  }

  @Override
  public void listen(AppendListener newListener) {
    listener = newListener;
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public CompletionStage<Void> close() {
    return CompletableFuture.completedFuture(null);
  }

  /** Tells the broker about an append, as an engine does (possibly one made by another node). */
  void announce(Message message) {
    assertThat(listener).as("the broker registers its listener when built").isNotNull();
    listener.onAppended(message);
  }

  /** The oldest read not yet taken by the test; fails when the broker issued none. */
  Read nextRead() {
    assertThat(reads).as("reads the broker issued").isNotEmpty();
    return reads.removeFirst();
  }

  /** Reads the broker issued that the test has not taken. */
  int unansweredReads() {
    return reads.size();
  }

  /**
   * From now on, channel listings answer only when the test says so (by default they answer at
   * once with no channels).
   */
  void holdListings() {
    holdListings = true;
  }

  /** The oldest held listing not yet taken by the test; fails when the broker asked for none. */
  Listing nextListing() {
    assertThat(listings).as("listings the broker asked for").isNotEmpty();
    return listings.removeFirst();
  }

  /** Held listings the test has not taken. */
  int unansweredListings() {
    return listings.size();
  }

  List<Publication> appended() {
    return appended;
  }
}

package io.switchboard.bench;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * One subscriber of a subscriber bench: one connection to the server, subscribed to one channel
 * over one transport ({@link SseSubscriber}, {@link WsSubscriber}, {@link LongPollSubscriber}),
 * checking the sequence of what arrives ({@link SequenceCheck}) and handing each delivery to its
 * {@link SubscriberGroup} to be counted.
 *
 * <p>Threads: created and run on its group's event loop, as is every callback of its connection.
 *
 * <p>States: opening → subscribed (the transport's confirmation: {@link #open} has completed) →
 * closing, once the run asks it to ({@link #close}). A subscriber is never reconnected: a
 * connection that ends before it is asked to close is counted as an error, and whatever it would
 * have received shows as lost.
 */
abstract class Subscriber {
  final SubscriberGroup group;
  final int channel;
  final String channelName;
  final SequenceCheck check = new SequenceCheck();
  private boolean closing;
  private boolean ended;

  Subscriber(SubscriberGroup group, int channel) {
    this.group = group;
    this.channel = channel;
    this.channelName = group.plan().channelName(channel);
  }

  /** Connects and subscribes; completes once the transport confirms the subscription. */
  abstract Future<Void> open();

  /** Closes the connection; completes once it is closed. */
  abstract Future<Void> closeConnection();

  /** Asks the subscriber to stop: its connection ending now is not an error. */
  final Future<Void> close() {
    closing = true;
    return closeConnection().otherwiseEmpty();
  }

  final boolean isClosing() {
    return closing;
  }

  /** A message's data arrived now. */
  final void deliver(String data) {
    long receivedAt = System.nanoTime();
    Optional<MessageData> message = MessageData.parse(data);
    if (message.isEmpty()) {
      problem("data the bench did not publish");
      return;
    }
    group.countDelivery(check.receive(message.get().sequence()), message.get().publishedAt(), receivedAt);
  }

  /** Something went wrong that the run must report. */
  final void problem(String cause) {
    group.countError(cause);
  }

  /** The connection ended: an error unless the subscriber was asked to close; counted once. */
  final void ended(String how) {
    if (!ended) {
      ended = true;
      group.countEnded();
      if (!closing) {
        problem("subscriber connection ended: " + how);
      }
    }
  }
}

package io.switchboard.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The URL and protocol conventions of the server a subscriber bench loads: where to publish, how
 * each transport subscribes, and how a delivery is told from anything else. The subscriber clients
 * ({@link SseSubscriber}, {@link WsSubscriber}, {@link LongPollSubscriber}) and the
 * {@link PacedPublisher} do the I/O; a target only builds requests and reads answers, so a second
 * server is one more implementation: {@link SwitchboardTarget} and {@link NchanTarget}.
 *
 * <p>Implementations are immutable and called on any event loop.
 */
interface Target {
  /** The name {@code --target} takes. */
  String name();

  /** The path a message is published to with {@code POST}, the raw data as its body. */
  String publishPath(String channel);

  /** Whether a publish answered {@code status} was accepted. */
  boolean accepted(int status);

  /**
   * The path whose {@code DELETE} empties {@code channel} before a run subscribes to it (answered
   * 200, or 404 for a channel that holds nothing), for a server whose subscriptions without a cursor
   * start with the messages the channel already holds; empty when they start from now anyway.
   */
  Optional<String> clearPath(String channel);

  /** The path of an event stream of {@code channel}, requested with {@code Accept: text/event-stream}, from now. */
  String streamPath(String channel);

  /** The data of a stream event that is a message, or empty for an event that is not (e.g. the server's own). */
  Optional<String> messageData(EventStreamDecoder.Event event);

  /** The WebSocket path that subscribes to {@code channel}, or that subscriptions are sent on. */
  String webSocketPath(String channel);

  /**
   * The text frame that subscribes to {@code channel} and is acknowledged with {@code ref}, or empty
   * when opening the WebSocket is subscribing.
   */
  Optional<String> subscribeFrame(String channel, String ref);

  /** What a text frame from the server is. */
  WsFrame decode(String frame);

  /** The first long poll of {@code channel}, from now. */
  Poll firstPoll(String channel);

  /**
   * Whether the first poll is answered at once (with the position to poll from next), which then
   * confirms the subscription; otherwise it is held and the subscription counts as confirmed once
   * it has been sent.
   */
  boolean firstPollAnswersAtOnce();

  /**
   * What a poll's answer brings and the poll to send next.
   *
   * @throws IllegalArgumentException when the answer is not one this target gives, naming what is wrong
   */
  PollAnswer decode(Poll sent, int status, MultiMap headers, Buffer body);

  /** The target {@code --target} names. @throws IllegalArgumentException for an unknown name */
  static Target named(String name) {
    return switch (name) {
      case SwitchboardTarget.NAME -> new SwitchboardTarget();
      case NchanTarget.NAME -> new NchanTarget();
      default -> throw new IllegalArgumentException("--target \"" + name + "\" is not one of "
          + SwitchboardTarget.NAME + ", " + NchanTarget.NAME);
    };
  }

  /** A long-poll request: a {@code GET} of {@code path} with {@code headers}. */
  record Poll(String path, Map<String, String> headers) {
    public Poll {
      headers = Map.copyOf(headers);
    }
  }

  /** The data of the messages one poll brought, oldest first, and the poll to send next. */
  record PollAnswer(List<String> data, Poll next) {
    public PollAnswer {
      data = List.copyOf(data);
    }
  }

  /** A text frame from the server, as far as a subscriber cares. */
  sealed interface WsFrame {
    /** A message, with its data. */
    record Message(String data) implements WsFrame {}

    /** The acknowledgement of the frame sent with {@code ref}. */
    record Ack(String ref) implements WsFrame {}

    /** Something the server says went wrong (an error frame, a gap in the history). */
    record Problem(String cause) implements WsFrame {}

    /** Anything else: a pong, an acknowledgement nobody waits for. */
    record Other() implements WsFrame {}
  }
}

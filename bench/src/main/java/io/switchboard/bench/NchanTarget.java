package io.switchboard.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nchan's conventions, as its documentation describes a server with a publisher location at
 * {@code /pub/{id}} and a subscriber location at {@code /sub/{id}}: publishing is a {@code POST}
 * of the raw data (answered 201, or 202 when nobody listens); the subscriber location serves an
 * EventSource stream (each message an event with {@code id:} and {@code data:}), a WebSocket (each
 * message one text frame with the raw data, subscribed by opening it) and long polls (one message
 * per answer, with {@code Last-Modified} and {@code Etag}, sent back as {@code If-Modified-Since}
 * and {@code If-None-Match} to get the next one).
 *
 * <p>Checked against Nchan 1.3.6 (bench/peers/nchan/README.md): a subscriber without a cursor
 * first gets every message the channel holds (Nchan's default {@code nchan_subscriber_first_message
 * oldest}), on every transport, and no request asks for "from now" instead ({@code last_event_id}
 * takes only a real id), so the run empties each channel first ({@link #clearPath}: {@code DELETE
 * /pub/{id}}); the same behaviour then makes subscribing race-free, as a subscriber that registers
 * after the first publish still gets it. A long poll without a cursor on an empty channel is held
 * until the first message; the EventSource stream opens with a {@code : hi} comment; WebSocket
 * frames carry the raw data alone.
 */
final class NchanTarget implements Target {
  static final String NAME = "nchan";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String publishPath(String channel) {
    return "/pub/" + channel;
  }

  @Override
  public boolean accepted(int status) {
    return status == 201 || status == 202;
  }

  @Override
  public Optional<String> clearPath(String channel) {
    return Optional.of(publishPath(channel));
  }

  @Override
  public String streamPath(String channel) {
    return subscriberPath(channel);
  }

  @Override
  public Optional<String> messageData(EventStreamDecoder.Event event) {
    return event.type().isEmpty() || event.type().equals("message") ? Optional.of(event.data()) : Optional.empty();
  }

  @Override
  public String webSocketPath(String channel) {
    return subscriberPath(channel);
  }

  @Override
  public Optional<String> subscribeFrame(String channel, String ref) {
    return Optional.empty();
  }

  @Override
  public WsFrame decode(String frame) {
    return new WsFrame.Message(frame);
  }

  @Override
  public Poll firstPoll(String channel) {
    return new Poll(subscriberPath(channel), Map.of());
  }

  @Override
  public boolean firstPollAnswersAtOnce() {
    return false;
  }

  @Override
  public PollAnswer decode(Poll sent, int status, MultiMap headers, Buffer body) {
    if (status == 304 || status == 408) { // nothing new within the subscriber timeout: ask again from the same place
      return new PollAnswer(List.of(), sent);
    }
    if (status != 200) {
      throw new IllegalArgumentException("status " + status);
    }
    String lastModified = headers.get("Last-Modified");
    String etag = headers.get("Etag");
    if (lastModified == null || etag == null) {
      throw new IllegalArgumentException("answer without Last-Modified and Etag");
    }
    Map<String, String> next = new HashMap<>();
    next.put("If-Modified-Since", lastModified);
    next.put("If-None-Match", etag);
    return new PollAnswer(List.of(body.toString(StandardCharsets.UTF_8)), new Poll(sent.path(), next));
  }

  private static String subscriberPath(String channel) {
    return "/sub/" + channel;
  }
}

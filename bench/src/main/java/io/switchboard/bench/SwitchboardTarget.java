package io.switchboard.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Switchboard's conventions (docs/api.md): publish with {@code POST /v1/channels/{ch}/messages};
 * an event stream is a {@code GET} of the same URL, messages being the events without an
 * {@code event:} type; WebSocket subscriptions are {@code subscribe} frames on {@code /v1/ws},
 * acknowledged by {@code ref}; a long poll starts with a plain {@code GET} (from now, answered at
 * once with its {@code next}) and goes on with {@code after=NEXT&wait=…}.
 */
final class SwitchboardTarget implements Target {
  static final String NAME = "switchboard";
  /** How long a long poll is held when there is no news; well under the client's request timeout. */
  static final int WAIT_SECONDS = 30;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String publishPath(String channel) {
    return messagesPath(channel);
  }

  @Override
  public boolean accepted(int status) {
    return status == 201;
  }

  @Override
  public Optional<String> clearPath(String channel) {
    return Optional.empty(); // a subscription without a cursor starts from now
  }

  @Override
  public String streamPath(String channel) {
    return messagesPath(channel);
  }

  @Override
  public Optional<String> messageData(EventStreamDecoder.Event event) {
    return event.type().isEmpty() ? Optional.of(event.data()) : Optional.empty();
  }

  @Override
  public String webSocketPath(String channel) {
    return "/v1/ws";
  }

  @Override
  public Optional<String> subscribeFrame(String channel, String ref) {
    return Optional.of(new JsonObject().put("op", "subscribe").put("channel", channel).put("ref", ref).encode());
  }

  @Override
  public WsFrame decode(String frame) {
    JsonObject json;
    try {
      json = new JsonObject(frame);
    } catch (DecodeException notJson) {
      return new WsFrame.Problem("frame is not a JSON object");
    }
    String op = json.getValue("op") instanceof String name ? name : "";
    return switch (op) {
      case "message" -> json.getValue("data") instanceof String data
          ? new WsFrame.Message(data) : new WsFrame.Problem("message frame without data");
      case "ack" -> json.getValue("ref") instanceof String ref ? new WsFrame.Ack(ref) : new WsFrame.Other();
      case "error" -> new WsFrame.Problem("error frame, status " + json.getValue("status"));
      case "truncated" -> new WsFrame.Problem("truncated frame");
      default -> new WsFrame.Other();
    };
  }

  @Override
  public Poll firstPoll(String channel) {
    return new Poll(messagesPath(channel), Map.of());
  }

  @Override
  public boolean firstPollAnswersAtOnce() {
    return true;
  }

  @Override
  public PollAnswer decode(Poll sent, int status, MultiMap headers, Buffer body) {
    if (status != 200) {
      throw new IllegalArgumentException("status " + status);
    }
    JsonObject answer;
    try {
      answer = body.toJsonObject();
    } catch (DecodeException notJson) {
      throw new IllegalArgumentException("answer is not a JSON object", notJson);
    }
    if (Boolean.TRUE.equals(answer.getValue("truncated"))) {
      throw new IllegalArgumentException("answer says truncated");
    }
    if (!(answer.getValue("next") instanceof String next) || !(answer.getValue("messages") instanceof JsonArray messages)) {
      throw new IllegalArgumentException("answer without messages or next");
    }
    List<String> data = new ArrayList<>(messages.size());
    for (Object message : messages) {
      if (!(message instanceof JsonObject object) || !(object.getValue("data") instanceof String text)) {
        throw new IllegalArgumentException("a message without data");
      }
      data.add(text);
    }
    String path = sent.path();
    int query = path.indexOf('?');
    String base = query < 0 ? path : path.substring(0, query);
    return new PollAnswer(data, new Poll(base + "?after=" + URLEncoder.encode(next, StandardCharsets.UTF_8)
        + "&wait=" + WAIT_SECONDS, Map.of()));
  }

  private static String messagesPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }
}

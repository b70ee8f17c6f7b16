package io.switchboard.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.switchboard.core.broker.ChannelStatus;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.engine.ChannelInfo;
import io.switchboard.core.engine.ChannelPage;
import io.switchboard.core.message.Appended;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.ReadResult;
import io.switchboard.core.session.Session;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON bodies of the HTTP API, written with Jackson's streaming generator: one pass, no
 * intermediate tree, field order as documented in docs/api.md.
 */
final class JsonBodies {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonBodies() {}

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * The answer to a publish, written by hand: it is on every publish's path, and its fields need no
   * escaping (a cursor is base32hex, a channel name is {@code [A-Za-z0-9_.-]}), so a JSON generator
   * would only add its own cost.
   */
  static Buffer published(Appended appended) {
    Message message = appended.message();
    String json = "{\"id\":\"" + message.id().encode() + "\",\"channel\":\"" + message.channel().value() + "\",\"time\":"
        + message.time() + "}";
    return Buffer.buffer(json.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  static Buffer readResult(ReadResult result) {
    return write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("messages");
      for (Message message : result.messages()) {
        writeMessage(json, message);
      }
      json.writeEndArray();
      json.writeStringField("next", result.next().encode());
      json.writeBooleanField("truncated", result.truncated());
      if (result.truncation().isPresent()) {
        json.writeStringField("earliest", result.truncation().get().encode());
      }
      json.writeEndObject();
    });
  }

  static Buffer subscribePage(SubscribePoll.Page page) {
    return write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("messages");
      for (Message message : page.messages()) {
        writeMessage(json, message);
      }
      json.writeEndArray();
      json.writeStringField("next", page.next().encode());
      json.writeBooleanField("truncated", !page.truncations().isEmpty());
      if (!page.truncations().isEmpty()) {
        json.writeArrayFieldStart("truncations");
        for (Map.Entry<ChannelName, Cursor> truncation : page.truncations().entrySet()) {
          json.writeStartObject();
          json.writeStringField("channel", truncation.getKey().value());
          json.writeStringField("earliest", truncation.getValue().encode());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    });
  }

  static Buffer session(Session session) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("id", session.id());
      json.writeArrayFieldStart("channels");
      for (ChannelPattern pattern : session.patterns()) {
        json.writeString(pattern.value());
      }
      json.writeEndArray();
      json.writeStringField("cursor", session.position().encode());
      json.writeNumberField("created", session.createdAt());
      json.writeNumberField("expires", session.expiresAt());
      json.writeEndObject();
    });
  }

  static Buffer channelPage(ChannelPage page) {
    return write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("channels");
      for (ChannelInfo info : page.channels()) {
        json.writeStartObject();
        writeChannelInfo(json, info);
        json.writeEndObject();
      }
      json.writeEndArray();
      if (page.next().isPresent()) {
        json.writeStringField("next", page.next().get().value());
      }
      json.writeEndObject();
    });
  }

  static Buffer channelStatus(ChannelStatus status) {
    return write(json -> {
      json.writeStartObject();
      if (status.stored().isPresent()) {
        writeChannelInfo(json, status.stored().get());
      } else {
        json.writeStringField("name", status.name().value());
        json.writeNumberField("retained", 0);
      }
      json.writeObjectFieldStart("subscribers");
      for (Map.Entry<String, Integer> transport : status.subscribers().entrySet()) {
        json.writeNumberField(transport.getKey(), transport.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    });
  }

  static Buffer purged(ChannelName channel, long removed) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("channel", channel.value());
      json.writeNumberField("purged", removed);
      json.writeEndObject();
    });
  }

  static Buffer status(String status) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("status", status);
      json.writeEndObject();
    });
  }

  static Buffer problem(String title, int status, String detail) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("type", "about:blank");
      json.writeStringField("title", title);
      json.writeNumberField("status", status);
      json.writeStringField("detail", detail);
      json.writeEndObject();
    });
  }

  /** One message as a JSON object, for event streams that carry several channels. */
  static String messageJson(Message message) {
    return write(json -> writeMessage(json, message)).toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeMessage(JsonGenerator json, Message message) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", message.id().encode());
    json.writeStringField("channel", message.channel().value());
    json.writeNumberField("time", message.time());
    json.writeStringField("data", message.data());
    if (message.event().isPresent()) {
      json.writeStringField("event", message.event().get());
    }
    json.writeEndObject();
  }

  private static void writeChannelInfo(JsonGenerator json, ChannelInfo info) throws IOException {
    json.writeStringField("name", info.name().value());
    json.writeNumberField("retained", info.retained());
    json.writeStringField("earliest", info.earliest().encode());
    if (info.last().isPresent()) {
      json.writeStringField("last", info.last().get().encode());
    }
    if (info.lastTime().isPresent()) {
      json.writeNumberField("lastTime", info.lastTime().get());
    }
  }

  private static Buffer write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      writer.write(json);
    } catch (IOException impossible) {
      throw new UncheckedIOException("writing JSON to memory failed", impossible);
    }
    return Buffer.buffer(bytes.toByteArray());
  }
}

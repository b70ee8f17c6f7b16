package io.switchboard.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.InvalidInputException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Reads the JSON object a request carries, refusing anything else with a message that says why. */
final class JsonRequests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonRequests() {}

  /**
   * The body as a JSON object holding only {@code allowed} fields.
   *
   * @throws InvalidInputException when the body is missing, not JSON, not an object, or has a field
   *     that is not allowed (a typo must not be silently ignored)
   */
  static JsonNode object(RoutingContext ctx, Set<String> allowed) {
    return object(ctx.body().buffer(), allowed);
  }

  /** {@code body} (null when there is none) as {@link #object(RoutingContext, Set)} reads it. */
  static JsonNode object(Buffer body, Set<String> allowed) {
    if (body == null || body.length() == 0) {
      throw new InvalidInputException("the request needs a JSON object as body, with " + String.join(", ", new TreeSet<>(allowed)));
    }
    JsonNode node;
    try {
      node = JSON.readTree(body.getBytes());
    } catch (JacksonException malformed) {
      String reason = malformed.getOriginalMessage().replaceAll("\\s*\\(start marker at .*", "");
      throw new InvalidInputException("the body is not valid JSON: " + reason);
    } catch (CharConversionException badText) {
      // Jackson takes a body that starts with zero bytes for UTF-32, and its reader of that reports broken characters so.
      throw new InvalidInputException("the body is not valid JSON: it is not UTF-8 text");
    } catch (IOException impossible) {
      throw new UncheckedIOException("reading JSON from memory failed", impossible);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("the body must be a JSON object, not " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidInputException("unknown field " + InvalidInputException.quote(name) + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return node;
  }

  /** A required string field of {@code node}. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidInputException("field \"" + field + "\" must be a string");
    }
    return value.asText();
  }
}

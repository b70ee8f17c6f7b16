package io.switchboard.server.ws;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.InvalidInputException;
import java.util.Optional;

/**
 * One frame a client sent, parsed and checked: a JSON object with a string {@code op} and an
 * optional string {@code ref} of at most {@value #MAX_REF_LENGTH} characters. Typed accessors
 * throw {@link InvalidInputException} naming the field and the rule; text is Unicode text (no
 * unpaired surrogates).
 */
final class ClientFrame {
  static final int MAX_REF_LENGTH = 128;

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
    // One frame, one JSON value: '{"op":"ping"} {"op":"publish"}' is an error, not a ping.
    JSON.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private final JsonNode node;
  private final String op;
  private final Optional<String> ref;

  private ClientFrame(JsonNode node, String op, Optional<String> ref) {
    this.node = node;
    this.op = op;
    this.ref = ref;
  }

  /**
   * @throws InvalidInputException when the text is not a JSON object, or its ref is not a short string
   */
  static ClientFrame parse(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException malformed) {
      throw new InvalidInputException("the frame is not valid JSON: " + malformed.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("a frame must be a JSON object like {\"op\":\"subscribe\",\"channel\":\"orders.*\"}");
    }
    JsonNode op = node.get("op");
    return new ClientFrame(node, op != null && op.isTextual() ? op.asText() : "", readRef(node));
  }

  /** The operation, or an empty string when the frame has none. */
  String op() {
    return op;
  }

  Optional<String> ref() {
    return ref;
  }

  String requiredText(String field) {
    return optionalText(field).orElseThrow(() -> new InvalidInputException("\"" + field + "\" is required and must be a string"));
  }

  Optional<String> optionalText(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidInputException("\"" + field + "\" must be a string");
    }
    return Optional.of(unicodeText(field, value.asText()));
  }

  Optional<JsonNode> field(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  private static Optional<String> readRef(JsonNode node) {
    JsonNode ref = node.get("ref");
    if (ref == null || ref.isNull()) {
      return Optional.empty();
    }
    if (!ref.isTextual() || ref.asText().length() > MAX_REF_LENGTH) {
      throw new InvalidInputException("\"ref\" must be a string of at most " + MAX_REF_LENGTH + " characters");
    }
    return Optional.of(unicodeText("ref", ref.asText()));
  }

  /**
   * {@code text}, unless it has a surrogate without its pair: JSON can escape one, UTF-8 cannot
   * carry it. Such text would reach an HTTP reader escaped, but a WebSocket or event stream reader
   * and the durable engine's storage as '?', so it is refused, as HTTP bodies that are not UTF-8 are.
   */
  private static String unicodeText(String field, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidInputException("\"" + field + "\" is not Unicode text: it has an unpaired surrogate \\u"
            + Integer.toHexString(c) + " at position " + i);
      }
    }
    return text;
  }
}

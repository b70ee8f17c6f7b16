package io.switchboard.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.HostileInput;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Text frames a hostile WebSocket client may send to {@code /v1/ws}, for the property tests. */
final class HostileFrames {
  static final List<String> OPS = List.of("subscribe", "unsubscribe", "publish", "ping", "work", "complete", "fail", "heartbeat");
  static final List<String> FIELDS = List.of("op", "ref", "channel", "data", "event", "idempotencyKey", "after", "from", "since",
      "queue", "max", "lease", "seconds", "id", "result", "error", "retry");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ChannelName ORDERS = ChannelName.of("orders.42");

  private HostileFrames() {}

  /** Any text, JSON or not, but mostly objects with the fields of the protocol, each of any type. */
  static Arbitrary<String> text() {
    Arbitrary<String> objects = objects(FIELDS).map(HostileFrames::render);
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(2, HostileInput.text()),
        Tuple.of(2, HostileInput.nearGrammar("{}[]\":,0123456789.eE-+ truefalsnop")),
        Tuple.of(5, objects),
        Tuple.of(2, objects.flatMap(HostileFrames::damaged)),
        Tuple.of(1, Arbitraries.integers().between(1, 40).map(depth -> "{\"op\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}")),
        Tuple.of(1, Arbitraries.integers().between(1, 2_000).map(digits -> "{\"op\":\"work\",\"max\":" + "9".repeat(digits) + "}")),
        Tuple.of(1, Arbitraries.of("{\"op\":\"ping\"} {\"op\":\"ping\"}", "{\"op\":\"ping\",\"op\":\"publish\"}", "{\"ref\":\"\\ud800\"}",
            "{\"op\":\"ping\",\"ref\":null}", "null", "[]", "\"op\"", "{}", "{\"\":1}", "{\"op\":\"ping\"}\u0000"))));
  }

  /** Objects of some of {@code fields}, each of any type, well typed (and well formed) often enough to get past the first check. */
  static Arbitrary<ObjectNode> objects(List<String> fields) {
    Arbitrary<Map<String, JsonNode>> entries = Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(fields), HostileInput.text()), values(2))
        .ofMaxSize(6);
    return Combinators.combine(Arbitraries.of(OPS), entries).as((op, map) -> {
      ObjectNode frame = NODES.objectNode().put("op", op);
      frame.setAll(map);
      if (frame.path("ref").isTextual() && frame.path("ref").asText().length() > ClientFrame.MAX_REF_LENGTH) {
        frame.remove("ref");
      }
      return frame;
    });
  }

  static Arbitrary<JsonNode> values(int depth) {
    Cursor cursor = Cursor.of(ORDERS, 7, 3);
    Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
        HostileInput.text().map(NODES::textNode),
        Arbitraries.of("orders.42", "orders.*", "earliest", "latest", "q", cursor.encode(), StreamCursor.since(0).encode(), "true")
            .map(NODES::textNode),
        numbers(),
        Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
    if (depth == 0) {
      return scalars;
    }
    Arbitrary<JsonNode> arrays = values(depth - 1).list().ofMaxSize(3).map(items -> NODES.arrayNode().addAll(items));
    Arbitrary<JsonNode> objects = Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of("orders.42", "orders.x", "a..b"), HostileInput.text()),
        values(depth - 1)).ofMaxSize(3).map(map -> NODES.objectNode().setAll(map));
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<JsonNode>>>of(Tuple.of(6, scalars), Tuple.of(1, arrays),
        Tuple.of(2, objects)));
  }

  /** Numbers as JSON may carry them: small, at the edges of int and long, beyond long, fractions, exponents. */
  static Arbitrary<JsonNode> numbers() {
    BigInteger twoTo64 = BigInteger.ONE.shiftLeft(64);
    return Arbitraries.oneOf(
        Arbitraries.integers().between(-3, 200).map(NODES::numberNode),
        Arbitraries.integers().map(NODES::numberNode),
        Arbitraries.longs().map(NODES::numberNode),
        Arbitraries.integers().between(-3, 200).map(small -> NODES.numberNode(twoTo64.add(BigInteger.valueOf(small)))),
        Arbitraries.bigIntegers().between(twoTo64.negate().shiftLeft(64), twoTo64.shiftLeft(64)).map(NODES::numberNode),
        Arbitraries.doubles().map(NODES::numberNode),
        Arbitraries.of(1e300, -0.0, 0.5, 1.0, 1e2, 9.223372036854776e18).map(NODES::numberNode),
        Arbitraries.of(new BigDecimal("1.0"), new BigDecimal("1E+1"), new BigDecimal("18446744073709551617.0")).map(NODES::numberNode));
  }

  /** {@code good} cut short, or with one character added. */
  private static Arbitrary<String> damaged(String good) {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, good.length() - 1);
    return Arbitraries.oneOf(at.map(i -> good.substring(0, i)),
        Combinators.combine(at, Arbitraries.chars().with("{}[]\",:\\ \u0000")).as((i, c) -> good.substring(0, i) + c + good.substring(i)));
  }

  static String render(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}

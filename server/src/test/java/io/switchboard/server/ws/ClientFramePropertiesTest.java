package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * What a WebSocket client sends is a text frame, and any text may come: it is a frame whose
 * fields read as their documented types, or a refusal with {@link InvalidInputException} (an
 * {@code error} frame with status 400), never anything else. Numbers are taken only when they are
 * exactly the whole number the field asks for.
 */
class ClientFramePropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> OPS = List.of("subscribe", "unsubscribe", "publish", "ping", "work", "complete", "fail", "heartbeat");
  private static final List<String> FIELDS = List.of("op", "ref", "channel", "data", "event", "idempotencyKey", "after", "from", "since",
      "queue", "max", "lease", "seconds", "id", "result", "error", "retry");
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final List<ChannelPattern> PATTERNS = List.of(ChannelPattern.of("orders.42"), ChannelPattern.of("orders.*"),
      ChannelPattern.of(">"));

  @Property(tries = 300)
  void anyTextIsAFrameWhoseFieldsReadAsTheirTypesOrACleanRefusal(@ForAll("frameText") String text) {
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text);
    } catch (InvalidInputException refused) {
      return;
    }
    assertThat(frame.op()).isNotNull();
    frame.ref().ifPresent(ref -> assertThat(ref).hasSizeLessThanOrEqualTo(ClientFrame.MAX_REF_LENGTH));
    for (String field : FIELDS) {
      readsAsTextOrRefuses(frame, field);
    }
  }

  @Property(tries = 300)
  void whereASubscriptionStartsIsReadOrRefusedCleanly(@ForAll("subscribeFrames") String text) {
    ClientFrame frame = ClientFrame.parse(text);
    for (ChannelPattern pattern : PATTERNS) {
      SubscriptionStart start;
      try {
        start = WsConnection.startOf(frame, pattern);
      } catch (InvalidInputException refused) {
        continue;
      }
      Optional<JsonNode> since = frame.field("since");
      if (since.isPresent() && pattern.hasWildcards() && frame.field("after").filter(JsonNode::isObject).isPresent()) {
        // The last millisecond a long holds is "now" (SubscriptionStart.NOW): nothing is stored after it.
        BigDecimal expected = since.get().decimalValue().min(new BigDecimal(SubscriptionStart.NOW));
        assertThat(new BigDecimal(start.otherChannelsSince())).as("since").isEqualByComparingTo(expected);
      }
    }
  }

  @Property(tries = 300)
  void aWholeNumberFieldIsExactlyTheNumberSentWithinItsRangeOrACleanRefusal(@ForAll("numberFrames") String text) {
    ClientFrame frame = ClientFrame.parse(text);
    Optional<Integer> max;
    try {
      max = WsWorker.wholeNumber(frame, "max", 0, WsWorker.MAX_HELD);
    } catch (InvalidInputException refused) {
      return;
    }
    JsonNode sent = frame.field("max").orElse(null);
    if (sent == null) {
      assertThat(max).isEmpty();
      return;
    }
    assertThat(max).hasValueSatisfying(value -> assertThat(value).isBetween(0, WsWorker.MAX_HELD));
    assertThat(sent.isNumber()).as("%s is a number", sent).isTrue();
    assertThat(sent.decimalValue()).as("the number sent").isEqualByComparingTo(new BigDecimal(max.orElseThrow()));
  }

  private static void readsAsTextOrRefuses(ClientFrame frame, String field) {
    try {
      Optional<String> text = frame.optionalText(field);
      assertThat(text.isPresent()).isEqualTo(frame.field(field).isPresent());
    } catch (InvalidInputException refused) {
      assertThat(frame.field(field)).hasValueSatisfying(value -> assertThat(value.isTextual()).isFalse());
    }
  }

  @Provide
  Arbitrary<String> frameText() {
    Arbitrary<String> objects = frames(FIELDS).map(ClientFramePropertiesTest::render);
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(2, HostileInput.text()),
        Tuple.of(2, HostileInput.nearGrammar("{}[]\":,0123456789.eE-+ truefalsnop")),
        Tuple.of(5, objects),
        Tuple.of(2, objects.flatMap(ClientFramePropertiesTest::damaged)),
        Tuple.of(1, Arbitraries.integers().between(1, 40).map(depth -> "{\"op\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}")),
        Tuple.of(1, Arbitraries.integers().between(1, 2_000).map(digits -> "{\"op\":\"work\",\"max\":" + "9".repeat(digits) + "}")),
        Tuple.of(1, Arbitraries.of("{\"op\":\"ping\"} {\"op\":\"ping\"}", "{\"op\":\"ping\",\"op\":\"publish\"}", "{\"ref\":\"\\ud800\"}",
            "{\"op\":\"ping\",\"ref\":null}", "null", "[]", "\"op\"", "{}", "{\"\":1}", "{\"op\":\"ping\"}\u0000"))));
  }

  @Provide
  Arbitrary<String> subscribeFrames() {
    Cursor cursor = Cursor.of(ORDERS, 7, 3);
    Arbitrary<JsonNode> positions = Arbitraries.maps(Arbitraries.of("orders.42", "orders.x", "a..b", ""),
        Arbitraries.oneOf(Arbitraries.just(NODES.textNode(cursor.encode())), values(0))).ofMaxSize(3)
        .map(map -> NODES.objectNode().setAll(map));
    Arbitrary<JsonNode> after = Arbitraries.oneOf(positions, values(1));
    Arbitrary<JsonNode> since = Arbitraries.oneOf(numbers(), values(0));
    return Combinators.combine(after.injectNull(0.2), Arbitraries.of("earliest", "latest", "middle").injectNull(0.8), since.injectNull(0.3))
        .as((afterValue, from, sinceValue) -> {
          ObjectNode frame = NODES.objectNode().put("op", "subscribe");
          frame.set("after", afterValue);
          frame.put("from", from);
          frame.set("since", sinceValue);
          return render(frame);
        });
  }

  @Provide
  Arbitrary<String> numberFrames() {
    return numbers().injectNull(0.1).map(number -> {
      ObjectNode frame = NODES.objectNode().put("op", "work").put("queue", "q");
      if (number != null) {
        frame.set("max", number);
      }
      return render(frame);
    });
  }

  /** Objects of some of {@code fields}, each of any type, well typed (and well formed) often enough to get past the first check. */
  private static Arbitrary<ObjectNode> frames(List<String> fields) {
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

  private static Arbitrary<JsonNode> values(int depth) {
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
  private static Arbitrary<JsonNode> numbers() {
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

  private static String render(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}

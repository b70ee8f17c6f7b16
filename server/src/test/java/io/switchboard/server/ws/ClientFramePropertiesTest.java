package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.broker.SubscriptionStart;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.assertj.core.api.Condition;

/**
 * What a WebSocket client sends is a text frame, and any text may come: it is a frame whose
 * fields read as their documented types, or a refusal with {@link InvalidInputException} (an
 * {@code error} frame with status 400), never anything else. Text is taken only when it is Unicode
 * text, which every transport and engine carries unchanged; numbers only when they are exactly the
 * whole number the field asks for.
 */
class ClientFramePropertiesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /**
   * Text that UTF-8 carries unchanged: what a WebSocket frame, an HTTP body and the embedded
   * engine's storage carry. A lone surrogate (JSON can escape one as backslash-u-d800) is not such text.
   */
  private static final Condition<String> UNICODE_TEXT = new Condition<>(
      text -> new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text), "Unicode text");
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
    frame.ref().ifPresent(ref -> assertThat(ref).hasSizeLessThanOrEqualTo(ClientFrame.MAX_REF_LENGTH).is(UNICODE_TEXT));
    for (String field : HostileFrames.FIELDS) {
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
      text.ifPresent(value -> assertThat(value).as("\"%s\"", field).is(UNICODE_TEXT));
    } catch (InvalidInputException refused) {
      assertThat(frame.field(field)).as("refused %s", refused.getMessage())
          .hasValueSatisfying(value -> assertThat(value.isTextual() && UNICODE_TEXT.matches(value.asText())).isFalse());
    }
  }

  @Provide
  Arbitrary<String> frameText() {
    return HostileFrames.text();
  }

  @Provide
  Arbitrary<String> subscribeFrames() {
    Cursor cursor = Cursor.of(ORDERS, 7, 3);
    Arbitrary<JsonNode> positions = Arbitraries.maps(Arbitraries.of("orders.42", "orders.x", "a..b", ""),
        Arbitraries.oneOf(Arbitraries.just(NODES.textNode(cursor.encode())), HostileFrames.values(0))).ofMaxSize(3)
        .map(map -> NODES.objectNode().setAll(map));
    Arbitrary<JsonNode> after = Arbitraries.oneOf(positions, HostileFrames.values(1));
    Arbitrary<JsonNode> since = Arbitraries.oneOf(HostileFrames.numbers(), HostileFrames.values(0));
    return Combinators.combine(after.injectNull(0.2), Arbitraries.of("earliest", "latest", "middle").injectNull(0.8), since.injectNull(0.3))
        .as((afterValue, from, sinceValue) -> {
          ObjectNode frame = NODES.objectNode().put("op", "subscribe");
          frame.set("after", afterValue);
          frame.put("from", from);
          frame.set("since", sinceValue);
          return HostileFrames.render(frame);
        });
  }

  @Provide
  Arbitrary<String> numberFrames() {
    return HostileFrames.numbers().injectNull(0.1).map(number -> {
      ObjectNode frame = NODES.objectNode().put("op", "work").put("queue", "q");
      if (number != null) {
        frame.set("max", number);
      }
      return HostileFrames.render(frame);
    });
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The JSON bodies of session requests ({@code POST /v1/sessions}, {@code POST .../ack}) are bytes
 * from a stranger: they read as an object of the allowed fields, or are refused with
 * {@link InvalidInputException} (a 400), whatever the bytes.
 */
class JsonRequestsPropertiesTest {
  private static final Set<String> ALLOWED = Set.of("channels", "id");

  @Property(tries = 400)
  void anyBodyIsAnObjectOfAllowedFieldsOrACleanRefusal(@ForAll("bodies") byte[] body) {
    JsonNode object;
    try {
      object = JsonRequests.object(Buffer.buffer(body), ALLOWED);
    } catch (InvalidInputException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(object.isObject()).isTrue();
    object.fieldNames().forEachRemaining(name -> assertThat(ALLOWED).contains(name));
    try {
      JsonRequests.text(object, "id");
    } catch (InvalidInputException refused) {
      assertThat(object.path("id").isTextual()).isFalse();
    }
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<String> json = Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(2, HostileInput.text()),
        Tuple.of(2, HostileInput.nearGrammar("{}[]\":,0123456789.eE-+ truefalsnchaelid")),
        Tuple.of(2, Arbitraries.of("{\"channels\":[\"a\"]}", "{\"id\":\"x\"}", "{\"channels\":[]}", "{\"id\":1}", "{}", "[]", "null",
            "{\"channels\":[\"a\"],\"extra\":1}", "{\"id\":\"x\"} {}", "{\"id\":\"\\ud800\"}", "{\"channels\":" + "[".repeat(2_000) + "}")),
        Tuple.of(1, Arbitraries.integers().between(1, 2_000).map(digits -> "{\"id\":" + "9".repeat(digits) + "}"))));
    Arbitrary<byte[]> encoded = Combinators.combine(json, Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE,
        StandardCharsets.UTF_16LE, StandardCharsets.ISO_8859_1)).as((text, charset) -> text.getBytes(charset));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    // Byte order marks and the zero bytes by which Jackson guesses UTF-16 and UTF-32.
    Arbitrary<byte[]> prefixed = Combinators.combine(Arbitraries.of(new byte[] {0, 0, 0}, new byte[] {0, 0}, new byte[] {0},
        new byte[] {0, 0, (byte) 0xfe, (byte) 0xff}, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0}, new byte[] {(byte) 0xfe, (byte) 0xff},
        new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}), raw).as(JsonRequestsPropertiesTest::concat);
    return Arbitraries.oneOf(encoded, raw, prefixed);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}

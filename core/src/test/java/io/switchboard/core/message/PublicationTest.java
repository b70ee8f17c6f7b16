package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicationTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "order-created", "order_created", "order.created", "urn:order:created", "Z9",
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.", "-"})
  void acceptsEventNamesOf1To64CharactersOfTheEventAlphabet(String event) {
    Publication publication = new Publication("data", Optional.of(event), Optional.empty());

    assertThat(publication.event()).contains(event);
  }

  @Test
  void acceptsAnEventNameOfExactly64Characters() {
    String longest = "e".repeat(Publication.MAX_EVENT_LENGTH);

    assertThat(new Publication("d", Optional.of(longest), Optional.empty()).event()).contains(longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "order created", "order\ncreated", "order\rcreated", "order\r\ndata: injected",
      "\n", "order\u0000", "order/created", "order,created", "caf\u00e9", "order\u2028created", "\ud83d\ude00"})
  void rejectsEventNamesOutsideTheAlphabetIncludingLineBreaksThatWouldInjectSseFields(String event) {
    assertThatThrownBy(() -> new Publication("data", Optional.of(event), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid event name \"")
        .hasMessageContaining("use 1 to 64 characters of [A-Za-z0-9_.:-]")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("\r");
  }

  @Test
  void rejectsAnEventNameOf65Characters() {
    assertThatThrownBy(() -> new Publication("d", Optional.of("e".repeat(65)), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("e".repeat(64) + "...");
  }

  @Test
  void theEventErrorNamesTheValueWithUnprintableCharactersMasked() {
    assertThatThrownBy(() -> new Publication("d", Optional.of("bad\nevent"), Optional.empty()))
        .hasMessage("invalid event name \"bad\\u000aevent\": use 1 to 64 characters of [A-Za-z0-9_.:-]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"k", "7f1c0e9a-58a4-4c5e-9a53-1e2c3d4e5f60", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "~"})
  void acceptsIdempotencyKeysOfPrintableAsciiWithoutSpaces(String key) {
    assertThat(new Publication("d", Optional.empty(), Optional.of(key)).idempotencyKey()).contains(key);
  }

  @Test
  void acceptsAnIdempotencyKeyOfExactly255Characters() {
    String longest = "k".repeat(Publication.MAX_IDEMPOTENCY_KEY_LENGTH);

    assertThat(new Publication("d", Optional.empty(), Optional.of(longest)).idempotencyKey()).contains(longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", " ", "tab\there", "line\nbreak", "del\u007f", "caf\u00e9", "nul\u0000"})
  void rejectsIdempotencyKeysThatAreEmptyOrNotPrintableAscii(String key) {
    assertThatThrownBy(() -> new Publication("d", Optional.empty(), Optional.of(key)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid Idempotency-Key \"")
        .hasMessageContaining("use 1 to 255 printable ASCII characters without spaces")
        .hasMessageNotContaining("\n");
  }

  @Test
  void rejectsAnIdempotencyKeyOf256Characters() {
    assertThatThrownBy(() -> new Publication("d", Optional.empty(), Optional.of("k".repeat(256))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("k".repeat(64) + "...");
  }

  @Test
  void dataMayBeAnyTextIncludingEmptyAndLineBreaks() {
    assertThat(Publication.of("").data()).isEmpty();
    assertThat(Publication.of("line 1\nline 2\r\n\u00e9\ud83d\ude00").data()).isEqualTo("line 1\nline 2\r\n\u00e9\ud83d\ude00");
  }

  @Test
  void dataIsRequired() {
    assertThatThrownBy(() -> Publication.of(null)).isInstanceOf(NullPointerException.class).hasMessage("data");
  }

  @Test
  void ofHasNeitherEventNorKey() {
    Publication publication = Publication.of("hello");

    assertThat(publication.event()).isEmpty();
    assertThat(publication.idempotencyKey()).isEmpty();
  }
}

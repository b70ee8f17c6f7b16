package io.switchboard.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {
  private static final String LONGEST = "a".repeat(ChannelName.MAX_LENGTH);

  static List<String> validNames() {
    return List.of("orders.42", "chat.room-1", "a", "A_b-C.d_9", "0", "orders.eu.42.lines", LONGEST,
        "a." + "b".repeat(253));
  }

  @ParameterizedTest
  @MethodSource("validNames")
  void acceptsDotSeparatedSegmentsOfLettersDigitsUnderscoresAndDashes(String value) {
    ChannelName name = ChannelName.of(value);

    assertThat(name.value()).isEqualTo(value);
    assertThat(name).hasToString(value);
    assertThat(ChannelName.isValid(value)).isTrue();
  }

  static List<Arguments> invalidNames() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("", "\"\"", "must not be empty"));
    cases.add(Arguments.of("a".repeat(256), "a".repeat(64) + "...", "longer than 255 characters"));
    cases.add(Arguments.of("a..b", "\"a..b\"", "empty segment at position 2"));
    cases.add(Arguments.of(".a", "\".a\"", "empty segment at position 0"));
    cases.add(Arguments.of("a.", "\"a.\"", "empty segment at position 2"));
    cases.add(Arguments.of(".", "\".\"", "empty segment at position 0"));
    cases.add(Arguments.of("orders 42", "\"orders 42\"", "character ' ' at position 6 is not allowed; segments use [A-Za-z0-9_-]"));
    cases.add(Arguments.of(" orders", "\" orders\"", "character ' ' at position 0"));
    cases.add(Arguments.of("orders\t42", "\"orders\\u000942\"", "character U+0009 at position 6"));
    cases.add(Arguments.of("orders\n42", "\"orders\\u000a42\"", "character U+000A at position 6"));
    cases.add(Arguments.of("caf\u00e9", "\"caf\\u00e9\"", "character U+00E9 at position 3"));
    cases.add(Arguments.of("chat.\ud83d\ude00", "\"chat.\\ud83d\\ude00\"", "character U+D83D at position 5"));
    cases.add(Arguments.of("orders.*", "\"orders.*\"", "character '*' at position 7 is not allowed; segments use [A-Za-z0-9_-]"));
    cases.add(Arguments.of("orders.>", "\"orders.>\"", "character '>' at position 7"));
    cases.add(Arguments.of("*", "\"*\"", "character '*' at position 0"));
    cases.add(Arguments.of(">", "\">\"", "character '>' at position 0"));
    cases.add(Arguments.of("orders/42", "\"orders/42\"", "character '/' at position 6"));
    cases.add(Arguments.of("orders:42", "\"orders:42\"", "character ':' at position 6"));
    return cases;
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("invalidNames")
  void rejectsAnInvalidNameWithAMessageNamingTheValueAndTheRule(String value, String shownValue, String rule) {
    assertThatThrownBy(() -> ChannelName.of(value))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid channel name ")
        .hasMessageContaining(shownValue)
        .hasMessageContaining(rule);
    assertThat(ChannelName.isValid(value)).isFalse();
  }

  @Test
  void rejectsNullAsEmpty() {
    assertThatThrownBy(() -> ChannelName.of(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("invalid channel name (none): must not be empty");
    assertThat(ChannelName.isValid(null)).isFalse();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"a..b", "a b"})
  void theErrorIsAnIllegalArgumentExceptionSoGenericCallersCanCatchIt(String value) {
    assertThatThrownBy(() -> new ChannelName(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesAreEqualByValueAndOrderedAsStrings() {
    assertThat(ChannelName.of("orders.42")).isEqualTo(ChannelName.of("orders.42")).hasSameHashCodeAs(ChannelName.of("orders.42"));
    assertThat(Stream.of("b", "a.z", "a", "B").map(ChannelName::of).sorted().map(ChannelName::value))
        .containsExactly("B", "a", "a.z", "b");
  }

  @Test
  void namesAreCaseSensitive() {
    assertThat(ChannelName.of("Orders")).isNotEqualTo(ChannelName.of("orders"));
  }
}

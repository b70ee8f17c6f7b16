package io.switchboard.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelPatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      // An exact pattern matches only the channel of the same name.
      "orders.42,     orders.42,      true",
      "orders.42,     orders.421,     false",
      "orders.42,     orders.4,       false",
      "orders.42,     orders,         false",
      "orders.42,     orders.42.x,    false",
      "orders.42,     Orders.42,      false",
      "orders,        orders,         true",
      "orders,        orders.42,      false",
      // '*' matches exactly one segment.
      "orders.*,      orders.42,      true",
      "orders.*,      orders.x-y_z,   true",
      "orders.*,      orders,         false",
      "orders.*,      orders.42.x,    false",
      "orders.*,      ordersx.42,     false",
      "orders.*,      order.42,       false",
      "orders.*,      other.42,       false",
      "*,             orders,         true",
      "*,             orders.42,      false",
      "*.*,           a.b,            true",
      "*.*,           a,              false",
      "*.*,           a.b.c,          false",
      "*.42,          orders.42,      true",
      "*.42,          orders.43,      false",
      "orders.*.lines, orders.42.lines, true",
      "orders.*.lines, orders.42.43.lines, false",
      "orders.*.lines, orders.lines,  false",
      // '>' matches one or more segments, and only as the last one.
      "orders.>,      orders.42,      true",
      "orders.>,      orders.42.x,    true",
      "orders.>,      orders.42.x.y.z, true",
      "orders.>,      orders,         false",
      "orders.>,      ordersx.42,     false",
      "orders.>,      other.42,       false",
      ">,             a,              true",
      ">,             orders.42.x,    true",
      "*.>,           a,              false",
      "*.>,           a.b,            true",
      "*.>,           a.b.c,          true",
      "orders.*.>,    orders.42,      false",
      "orders.*.>,    orders.42.x,    true",
  })
  void matchesChannelsSegmentBySegment(String pattern, String channel, boolean expected) {
    assertThat(ChannelPattern.of(pattern).matches(ChannelName.of(channel))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders", "orders.42", "*", ">", "*.*", "orders.*", "orders.>", "*.>", "orders.*.lines",
      "a-b_c.*.>"})
  void acceptsNamesWithWholeSegmentWildcards(String value) {
    assertThat(ChannelPattern.of(value).value()).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "orders.>.x | '>' is allowed only as the last segment",
      ">.x        | '>' is allowed only as the last segment",
      ">.>        | '>' is allowed only as the last segment",
      "a*         | character '*' at position 1 is not allowed; segments use [A-Za-z0-9_-], or a whole segment '*' or '>'",
      "*a         | character '*' at position 0 is not allowed",
      "orders.4*  | character '*' at position 8 is not allowed",
      "orders.a>  | character '>' at position 8 is not allowed",
      "**         | character '*' at position 0 is not allowed",
      ">>         | character '>' at position 0 is not allowed",
      "orders..*  | empty segment at position 7",
      "orders.    | empty segment at position 7",
      ".>         | empty segment at position 0",
      "orders 42  | character ' ' at position 6 is not allowed",
  })
  void rejectsAnInvalidPatternWithAMessageNamingTheValueAndTheRule(String value, String rule) {
    assertThatThrownBy(() -> ChannelPattern.of(value))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid channel pattern \"" + value + "\": ")
        .hasMessageContaining(rule);
  }

  @Test
  void rejectsNullEmptyAndOverlongPatterns() {
    assertThatThrownBy(() -> ChannelPattern.of(null)).isInstanceOf(InvalidInputException.class).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> ChannelPattern.of("")).isInstanceOf(InvalidInputException.class).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> ChannelPattern.of("*." + "a".repeat(254)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("longer than 255 characters");
  }

  @Test
  void tellsWhetherItUsesWildcards() {
    assertThat(ChannelPattern.of("orders.42").hasWildcards()).isFalse();
    assertThat(ChannelPattern.of("orders.*").hasWildcards()).isTrue();
    assertThat(ChannelPattern.of("orders.>").hasWildcards()).isTrue();
    assertThat(ChannelPattern.of(">").hasWildcards()).isTrue();
  }

  @Test
  void patternsAreEqualByValue() {
    assertThat(ChannelPattern.of("orders.*")).isEqualTo(ChannelPattern.of("orders.*"))
        .hasSameHashCodeAs(ChannelPattern.of("orders.*"))
        .isNotEqualTo(ChannelPattern.of("orders.>"))
        .hasToString("orders.*");
  }

  @Test
  void agreesWithASegmentListReferenceOnRandomPatternsAndNames() {
    SplittableRandom random = new SplittableRandom(7);
    String[] words = {"a", "b", "ab", "orders", "42", "x-y"};
    for (int round = 0; round < 20_000; round++) {
      List<String> name = new ArrayList<>();
      for (int i = random.nextInt(1, 5); i > 0; i--) {
        name.add(words[random.nextInt(words.length)]);
      }
      List<String> pattern = new ArrayList<>();
      for (int i = random.nextInt(1, 5); i > 0; i--) {
        int pick = random.nextInt(words.length + 2);
        pattern.add(pick < words.length ? words[pick] : "*");
      }
      if (random.nextInt(3) == 0) {
        pattern.set(pattern.size() - 1, ">");
      }
      String patternText = String.join(".", pattern);
      String nameText = String.join(".", name);

      assertThat(ChannelPattern.of(patternText).matches(ChannelName.of(nameText)))
          .as("%s matches %s", patternText, nameText)
          .isEqualTo(referenceMatches(pattern, name));
    }
  }

  /** The rules as the documentation states them, segment by segment. */
  private static boolean referenceMatches(List<String> pattern, List<String> name) {
    for (int i = 0; i < pattern.size(); i++) {
      String segment = pattern.get(i);
      if (segment.equals(">")) {
        return name.size() > i;
      }
      if (i >= name.size() || !(segment.equals("*") || segment.equals(name.get(i)))) {
        return false;
      }
    }
    return pattern.size() == name.size();
  }

  @Test
  void aWildcardFreePatternMatchesTheLongestChannelName() {
    String longest = "a".repeat(ChannelName.MAX_LENGTH);

    assertThat(ChannelPattern.of(longest).matches(ChannelName.of(longest))).isTrue();
    assertThat(ChannelPattern.of(">").matches(ChannelName.of(longest))).isTrue();
  }
}

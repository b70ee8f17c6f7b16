package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * What a stranger may send where the API expects a name, a cursor or a number, for the property
 * tests of every parser that outside text reaches: arbitrary text, biased towards what parsers
 * trip over (their own grammar slightly wrong, control characters, lone surrogates, the length
 * limits, empty), and the check that a refusal is the clean one.
 */
public final class HostileInput {
  /** The characters of channel names, patterns and numbers, plus the separators around them. */
  private static final String GRAMMAR = "aZ09_-.*>=,;\" %+/";

  private HostileInput() {}

  /** Arbitrary text, a mix of the kinds below; up to a few thousand characters. */
  public static Arbitrary<String> text() {
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(4, nearGrammar(GRAMMAR)),
        Tuple.of(3, Arbitraries.strings().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars('\u007f').ofMaxLength(8)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\ud800', '\udfff').withChars("a.").ofMaxLength(8)),
        Tuple.of(1, Arbitraries.strings().withChars("ab-.").ofMinLength(250).ofMaxLength(260)),
        Tuple.of(1, Arbitraries.strings().withChars("a.*>").ofMinLength(1_000).ofMaxLength(5_000)),
        Tuple.of(1, Arbitraries.of("", " ", "\u0000", "\ufeff", "\uffff", "\ud800", ".", "..", "*", ">", "a.>", ">.a",
            "a..b", "a.*.>", "é", "a b", "null", "-1", "0", "99999999999999999999"))));
  }

  /**
   * Text mostly from {@code alphabet}, sometimes with one character from anywhere: a grammar's
   * own words, misplaced.
   */
  public static Arbitrary<String> nearGrammar(String alphabet) {
    Arbitrary<String> words = Arbitraries.strings().withChars(alphabet).ofMaxLength(30);
    Arbitrary<String> stray = Arbitraries.strings().ofLength(1);
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(4, words),
        Tuple.of(1, words.flatMap(word -> stray.flatMap(odd -> Arbitraries.integers().between(0, word.length())
            .map(at -> word.substring(0, at) + odd + word.substring(at)))))));
  }

  /**
   * {@code valid} text one character off: one replaced or added, by a printable ASCII character
   * punctuation most often, by any character sometimes. The inputs that tell a rule from one almost like it.
   */
  public static Arbitrary<String> oneOff(Arbitrary<String> valid) {
    Arbitrary<Character> stray = Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<Character>>>of(
        Tuple.of(3, Arbitraries.chars().with(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")),
        Tuple.of(1, Arbitraries.chars().range(' ', '~')),
        Tuple.of(1, Arbitraries.chars())));
    return valid.filter(text -> !text.isEmpty()).flatMap(text -> Arbitraries.integers().between(0, text.length() - 1)
        .flatMap(at -> stray.flatMap(c -> Arbitraries.of(
            text.substring(0, at) + c + text.substring(at + 1),
            text.substring(0, at) + c + text.substring(at)))));
  }

  /**
   * Asserts that the message of a refusal is safe to show to the sender: one line of printable
   * ASCII, short, whatever the input was. (A refusal of any other type than
   * {@link InvalidInputException} is not caught by the properties, and so fails them.)
   */
  public static void assertSafeToShow(InvalidInputException refusal) {
    assertThat(refusal.getMessage()).as("the refusal's message").hasSizeLessThan(600).matches("[\\x20-\\x7e]+");
  }
}

package io.switchboard.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Channel names and patterns against arbitrary text, checked with an oracle written from the
 * rules of docs/api.md rather than from {@link Segments}: a name is 1 to 255 characters of
 * dot-separated segments {@code [A-Za-z0-9_-]+}; a pattern may also have {@code *} segments and a
 * last {@code >} segment; {@code *} matches one segment, {@code >} one or more.
 */
class ChannelPropertiesTest {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

  @Property(tries = 500)
  void anyTextIsAValidNameThatRoundTripsOrACleanRefusal(@ForAll("channelText") String text) {
    ChannelName name;
    try {
      name = ChannelName.of(text);
    } catch (InvalidInputException refused) {
      assertThat(isNameByTheRules(text)).as("refused %s", refused.getMessage()).isFalse();
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(isNameByTheRules(text)).as("accepted").isTrue();
    assertThat(name.value()).isEqualTo(text);
    assertThat(ChannelName.of(name.toString())).isEqualTo(name);
    assertThat(ChannelName.isValid(text)).isTrue();
  }

  @Property(tries = 300)
  void validityChecksAgreeWithParsing(@ForAll("channelText") String text) {
    boolean valid = isNameByTheRules(text);

    assertThat(ChannelName.isValid(text)).isEqualTo(valid);
    assertThat(ChannelName.problemWith(text).isEmpty()).isEqualTo(valid);
  }

  @Property(tries = 500)
  void anyTextIsAValidPatternThatRoundTripsOrACleanRefusal(@ForAll("channelText") String text) {
    ChannelPattern pattern;
    try {
      pattern = ChannelPattern.of(text);
    } catch (InvalidInputException refused) {
      assertThat(isPatternByTheRules(text)).as("refused %s", refused.getMessage()).isFalse();
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(isPatternByTheRules(text)).as("accepted").isTrue();
    assertThat(ChannelPattern.of(pattern.toString())).isEqualTo(pattern);
    assertThat(pattern.hasWildcards()).isEqualTo(List.of(text.split("\\.", -1)).stream().anyMatch(s -> s.equals("*") || s.equals(">")));
  }

  @Property(tries = 1_000)
  void aPatternMatchesAChannelExactlyWhenItsSegmentsDo(@ForAll("smallPatterns") String pattern, @ForAll("smallNames") String name) {
    boolean expected = matchesByTheRules(List.of(pattern.split("\\.", -1)), List.of(name.split("\\.", -1)));

    assertThat(ChannelPattern.of(pattern).matches(ChannelName.of(name))).isEqualTo(expected);
  }

  @Property(tries = 200)
  void everyValidNameIsAPatternThatMatchesOnlyItself(@ForAll("validNames") String name, @ForAll("validNames") String other) {
    ChannelPattern exact = ChannelPattern.of(name);

    assertThat(exact.hasWildcards()).isFalse();
    assertThat(exact.matches(ChannelName.of(name))).isTrue();
    assertThat(exact.matches(ChannelName.of(other))).isEqualTo(name.equals(other));
  }

  @Provide
  Arbitrary<String> channelText() {
    return Arbitraries.oneOf(HostileInput.text(), smallPatterns(), validNames(), HostileInput.oneOff(validNames()),
        HostileInput.oneOff(smallPatterns()));
  }

  /** Names from few segments, so that patterns of the same few segments often match them. */
  @Provide
  Arbitrary<String> smallNames() {
    return Arbitraries.of("a", "b", "ab", "-", "_1").list().ofMinSize(1).ofMaxSize(5).map(segments -> String.join(".", segments));
  }

  @Provide
  Arbitrary<String> smallPatterns() {
    Arbitrary<List<String>> segments = Arbitraries.of("a", "b", "ab", "*").list().ofMinSize(0).ofMaxSize(5);
    return segments.flatMap(body -> Arbitraries.of(false, true).map(tail -> {
      String head = String.join(".", body);
      return tail ? (head.isEmpty() ? ">" : head + ".>") : head.isEmpty() ? "*" : head;
    }));
  }

  @Provide
  Arbitrary<String> validNames() {
    Arbitrary<String> segment = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars("_-").ofMinLength(1).ofMaxLength(70);
    return segment.list().ofMinSize(1).ofMaxSize(8).map(segments -> String.join(".", segments)).filter(name -> name.length() <= 255);
  }

  private static boolean isNameByTheRules(String text) {
    return hasNameLength(text) && List.of(text.split("\\.", -1)).stream().allMatch(s -> SEGMENT.matcher(s).matches());
  }

  private static boolean isPatternByTheRules(String text) {
    if (!hasNameLength(text)) {
      return false;
    }
    String[] segments = text.split("\\.", -1);
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      if (!(SEGMENT.matcher(segments[i]).matches() || segments[i].equals("*") || (last && segments[i].equals(">")))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasNameLength(String text) {
    return !text.isEmpty() && text.length() <= ChannelName.MAX_LENGTH;
  }

  private static boolean matchesByTheRules(List<String> pattern, List<String> name) {
    if (pattern.isEmpty()) {
      return name.isEmpty();
    }
    if (pattern.get(0).equals(">")) {
      return !name.isEmpty();
    }
    return !name.isEmpty()
        && (pattern.get(0).equals("*") || pattern.get(0).equals(name.get(0)))
        && matchesByTheRules(pattern.subList(1, pattern.size()), name.subList(1, name.size()));
  }
}

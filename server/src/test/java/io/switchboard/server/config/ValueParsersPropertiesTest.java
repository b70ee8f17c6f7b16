package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Setting values (from a file, the environment or the command line) are parsed into a number, a
 * size or a duration within the setting's bounds, or refused with an
 * {@link IllegalArgumentException} whose reason the loader puts after the setting's name.
 */
class ValueParsersPropertiesTest {
  private static final Duration MIN = Duration.ofMillis(1);
  private static final Duration MAX = Duration.ofDays(30);

  @Property(tries = 300)
  void aWholeNumberIsWithinItsBoundsOrACleanRefusal(@ForAll("valueText") String text) {
    long value;
    try {
      value = ValueParsers.wholeNumber(text, 1, 1_000_000);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(value).isBetween(1L, 1_000_000L).isEqualTo(Long.parseLong(text.trim()));
  }

  @Property(tries = 300)
  void aSizeIsWithinItsBoundsOrACleanRefusal(@ForAll("valueText") String text) {
    long value;
    try {
      value = ValueParsers.size(text, 1, 1L << 40);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(value).isBetween(1L, 1L << 40);
  }

  @Property(tries = 300)
  void aDurationIsWithinItsBoundsOrACleanRefusal(@ForAll("valueText") String text) {
    Duration value;
    try {
      value = ValueParsers.duration(text, MIN, MAX);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(value).isBetween(MIN, MAX);
  }

  @Property(tries = 100)
  void aSizeInAUnitIsThatManyUnits(@ForAll @IntRange(min = 1, max = 1_000) int amount, @ForAll("sizeUnits") String unit) {
    long bytesPerUnit = switch (unit) {
      case "KiB" -> 1024;
      case "MiB" -> 1024 * 1024;
      case "GiB" -> 1024 * 1024 * 1024;
      default -> 1;
    };

    assertThat(ValueParsers.size(amount + unit, 1, 1L << 40)).isEqualTo(amount * bytesPerUnit);
  }

  @Property(tries = 100)
  void aDurationInAUnitIsThatManyUnits(@ForAll @LongRange(min = 1, max = 10_000) long amount, @ForAll("durationUnits") String unit) {
    Duration expected = switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };

    assertThat(ValueParsers.duration(amount + unit, Duration.ZERO, Duration.ofDays(100_000))).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> valueText() {
    Arbitrary<String> numbers = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25));
    Arbitrary<String> units = Arbitraries.of("", "B", "KiB", "MiB", "GiB", "kib", "ms", "s", "m", "h", "d", "D", "w", " s", "sec");
    return Arbitraries.oneOf(HostileInput.text(), HostileInput.nearGrammar("0123456789 BKiMGbmshdPTptHD.-+,"),
        numbers.flatMap(number -> units.map(unit -> number + unit)),
        Arbitraries.of("P", "PT", "PT1S", "pt0.5s", "P1D", "PT-1S", "-PT1S", "P999999999999D", "PT9223372036854775807S",
            "PT1.000000001S", "P1DT1H", "p106751991167300d", "P1W"));
  }

  @Provide
  Arbitrary<String> sizeUnits() {
    return Arbitraries.of("", "B", "KiB", "MiB", "GiB");
  }

  @Provide
  Arbitrary<String> durationUnits() {
    return Arbitraries.of("ms", "s", "m", "h", "d");
  }
}

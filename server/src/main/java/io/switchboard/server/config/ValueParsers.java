package io.switchboard.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the value syntaxes of settings: whole numbers, sizes ({@code 1MiB}) and durations ({@code 30s}). */
public final class ValueParsers {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ValueParsers() {}

  /** Returns the parsed number, or throws with the reason (the caller adds the setting's name). */
  static long wholeNumber(String text, long min, long max) {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException("is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("is outside " + min + ".." + max);
    }
    return value;
  }

  static long size(String text, long min, long max) {
    Matcher matcher = SIZE.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("is not a size (write bytes, or a number with B, KiB, MiB or GiB)");
    }
    long unit = switch (matcher.group(2) == null ? "B" : matcher.group(2)) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      default -> 1;
    };
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      throw new IllegalArgumentException("is too large");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("is outside " + min + ".." + max + " bytes");
    }
    return value;
  }

  /**
   * A duration written as a number and a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h},
   * {@code 7d}) or in ISO-8601, within {@code min..max}.
   *
   * @throws IllegalArgumentException with the reason, for the caller to prefix with what was parsed
   */
  public static Duration duration(String text, Duration min, Duration max) {
    String trimmed = text.trim();
    Duration value;
    Matcher matcher = DURATION.matcher(trimmed);
    if (matcher.matches()) {
      try {
        long amount = Long.parseLong(matcher.group(1));
        value = switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      } catch (ArithmeticException | NumberFormatException tooLarge) {
        throw new IllegalArgumentException("is too large");
      }
    } else {
      try {
        value = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException | ArithmeticException notIso) {
        throw new IllegalArgumentException("is not a duration (write e.g. 500ms, 30s, 5m, 24h, 7d)");
      }
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException("is outside " + describe(min) + ".." + describe(max));
    }
    return value;
  }

  static boolean bool(String text) {
    return switch (text.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  private static String describe(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}

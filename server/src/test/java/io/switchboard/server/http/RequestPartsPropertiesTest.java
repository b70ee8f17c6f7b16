package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.StartPosition;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The parts of an HTTP request that are parsed by hand: query parameters (each at most once,
 * numbers in range, booleans, where a read starts) and {@code Prefer: wait=N}. Each gives a value by its documented
 * rule, or refuses with {@link InvalidInputException} (a 400), never anything else.
 */
class RequestPartsPropertiesTest {
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
  private static final ChannelName ORDERS = ChannelName.of("orders.42");
  private static final String CURSOR = Cursor.of(ORDERS, 7, 3).encode();
  private static final String OTHER_CHANNELS_CURSOR = Cursor.of(ChannelName.of("orders.43"), 7, 3).encode();

  @Property(tries = 300)
  void aNumberParameterIsInRangeOrACleanRefusal(@ForAll("parameterValues") List<String> values) {
    QueryParameters query = QueryParameters.of(MultiMap.caseInsensitiveMultiMap().add("limit", values));
    Optional<Integer> limit;
    try {
      limit = query.integer("limit", 1, 1_000);
    } catch (InvalidInputException refused) {
      assertThat(values.size() > 1 || !isNumberFrom(values.get(0), 1, 1_000)).as("refused %s", refused.getMessage()).isTrue();
      HostileInput.assertSafeToShow(refused);
      return;
    }
    if (values.isEmpty()) {
      assertThat(limit).isEmpty();
    } else {
      assertThat(values).hasSize(1);
      assertThat(limit).contains(Integer.parseInt(values.get(0)));
    }
  }

  @Property(tries = 200)
  void aBooleanParameterIsTrueOrFalseOrACleanRefusal(@ForAll("parameterValues") List<String> values) {
    QueryParameters query = QueryParameters.of(MultiMap.caseInsensitiveMultiMap().add("retry", values));
    Optional<Boolean> retry;
    try {
      retry = query.bool("retry");
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(retry.map(String::valueOf)).isEqualTo(values.stream().findFirst());
  }

  @Property(tries = 300)
  void whereAReadStartsIsAfterACursorOfTheChannelEarliestLatestOrACleanRefusal(@ForAll("startValues") String after,
      @ForAll("startValues") String from) {
    MultiMap parameters = MultiMap.caseInsensitiveMultiMap();
    if (!after.isEmpty()) {
      parameters.add("after", after);
    }
    if (!from.isEmpty()) {
      parameters.add("from", from);
    }
    StartPosition start;
    try {
      start = ChannelHandlers.startPosition(QueryParameters.of(parameters), ORDERS);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(after.isEmpty() || from.isEmpty()).as("both after and from were taken").isTrue();
    if (start instanceof StartPosition.After position) {
      assertThat(position.cursor().encode()).isEqualTo(after);
      assertThat(position.cursor().channelTag()).isEqualTo(Cursor.tagOf(ORDERS));
    } else {
      assertThat(after).isEmpty();
      assertThat(start).isEqualTo(from.equals("earliest") ? StartPosition.earliest() : StartPosition.latest());
    }
  }

  @Property(tries = 300)
  void preferWaitIsAWholeNumberOfSecondsInRangeOrACleanRefusal(@ForAll("preferHeaders") List<String> headers) {
    Optional<Duration> wait;
    try {
      wait = JobHandlers.preferredWait(headers);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    wait.ifPresent(seconds -> assertThat(seconds).isBetween(Duration.ofSeconds(1), Broker.MAX_WAIT));
  }

  @Property(tries = 100)
  void preferWaitAmongOtherPreferencesIsFound(@ForAll("otherPreferences") String before, @ForAll("otherPreferences") String after,
      @ForAll("waits") long seconds) {
    String header = before + ", wait=" + seconds + (after.isEmpty() ? "" : ", " + after);

    assertThat(JobHandlers.preferredWait(List.of(header))).contains(Duration.ofSeconds(seconds));
  }

  @Provide
  Arbitrary<List<String>> parameterValues() {
    Arbitrary<String> value = Arbitraries.oneOf(HostileInput.text(), Arbitraries.strings().numeric().ofMaxLength(12),
        Arbitraries.longs().map(String::valueOf), Arbitraries.of("true", "false", "TRUE", "1", "0", " 1", "+1", "1e3", "0x10"));
    return Arbitraries.frequencyOf(List.of(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<String>of())),
        net.jqwik.api.Tuple.of(8, value.list().ofSize(1)),
        net.jqwik.api.Tuple.of(1, value.list().ofMinSize(2).ofMaxSize(3))));
  }

  @Provide
  Arbitrary<List<String>> preferHeaders() {
    Arbitrary<String> preference = Arbitraries.oneOf(HostileInput.text(), HostileInput.nearGrammar("wait=0123456789 ,;\"Wt"),
        Arbitraries.longs().map(n -> "wait=" + n), Arbitraries.strings().numeric().ofMaxLength(12).map(n -> "WAIT = \"" + n + "\""),
        otherPreferences());
    Arbitrary<String> header = preference.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(",", parts));
    return header.list().ofMinSize(0).ofMaxSize(2);
  }

  /** Values of after= and from=; empty for none. */
  @Provide
  Arbitrary<String> startValues() {
    return Arbitraries.oneOf(HostileInput.text(), Arbitraries.of("", "earliest", "latest", "Earliest", CURSOR, OTHER_CHANNELS_CURSOR),
        HostileInput.oneOff(Arbitraries.just(CURSOR)));
  }

  @Provide
  Arbitrary<String> otherPreferences() {
    return Arbitraries.of("", "respond-async", "return=minimal", "handling=lenient; x=1", "waiting=3");
  }

  @Provide
  Arbitrary<Long> waits() {
    return Arbitraries.longs().between(1, Broker.MAX_WAIT.toSeconds());
  }

  private static boolean isNumberFrom(String text, long min, long max) {
    return DIGITS.matcher(text).matches() && Long.parseLong(text) >= min && Long.parseLong(text) <= max;
  }
}

package io.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GrantsTest {
  private static Grants subscribing(String... patterns) {
    return new Grants(List.of(), Arrays.stream(patterns).map(ChannelPattern::of).toList(), List.of(), List.of(), false);
  }

  @ParameterizedTest(name = "grants {0} cover {1}: {2}")
  @CsvSource(delimiter = ';', value = {
      "orders.42; orders.42; true",
      "orders.42; orders.*; false",
      "orders.42; orders.>; false",
      "orders.42; orders.43; false",
      "orders.*; orders.42; true",
      "orders.*; orders.*; true",
      "orders.*; orders.>; false",
      "orders.*; orders.42.items; false",
      "orders.>; orders.42.items; true",
      "orders.>; orders.*.items; true",
      "orders.>; orders.>; true",
      "orders.>; orders; false",
      "orders.>; >; false",
      ">; anything.at.all; true",
      ">; >; true",
      ">; *.*; true",
      "*.*; orders.*; true",
      "*.*; *.>; false",
      "*.42; orders.*; false",
      "*.42; *.42; true",
      "orders.*.items; orders.*.items; true",
      "orders.*.items; orders.>; false",
      // Coverage by several grants together: lengths 2 and 3+ each have a grant of their own.
      "orders.*, orders.*.>; orders.>; true",
      "orders.*, orders.*.*; orders.>; false",
      "orders.a, orders.*.>; orders.>; false",
      "a.*.c, a.b.>; a.b.c; true",
      "a.*.c, a.b.>; a.*.c; true",
      "a.*.c, a.b.>; a.*.>; false",
  })
  void coverageIsExact(String granted, String wanted, boolean covered) {
    Grants grants = subscribing(granted.split(",\\s*"));

    assertThat(grants.canSubscribe(ChannelPattern.of(wanted))).isEqualTo(covered);
  }

  @Test
  void noGrantsCoverNothing() {
    assertThat(Grants.NONE.canSubscribe(ChannelPattern.of("a"))).isFalse();
    assertThat(Grants.NONE.canPublish(ChannelName.of("a"))).isFalse();
    assertThat(Grants.NONE.canSubmit("a")).isFalse();
    assertThat(Grants.NONE.admin()).isFalse();
  }

  @Test
  void everythingCoversEverything() {
    assertThat(Grants.ALL.canSubscribe(ChannelPattern.of(">"))).isTrue();
    assertThat(Grants.ALL.canPublish(ChannelName.of("x.y"))).isTrue();
    assertThat(Grants.ALL.canWork("q")).isTrue();
    assertThat(Grants.ALL.admin()).isTrue();
  }

  @Test
  void aClaimIsReadWithEveryField() {
    Grants grants = Grants.fromClaim(Map.of(
        "publish", List.of("chat.>"),
        "subscribe", List.of("orders.*"),
        "jobs", Map.of("submit", List.of("images"), "work", List.of("thumbs.>")),
        "admin", true));

    assertThat(grants.canPublish(ChannelName.of("chat.room-1"))).isTrue();
    assertThat(grants.canPublish(ChannelName.of("orders.1"))).isFalse();
    assertThat(grants.canSubscribe(ChannelPattern.of("orders.*"))).isTrue();
    assertThat(grants.canSubmit("images")).isTrue();
    assertThat(grants.canSubmit("thumbs.small")).isFalse();
    assertThat(grants.canWork("thumbs.small")).isTrue();
    assertThat(grants.admin()).isTrue();
  }

  @Test
  void aJobsGrantLetsTheCallerFollowThatQueuesJobChannels() {
    Grants grants = Grants.fromClaim(Map.of("jobs", Map.of("submit", List.of("images"), "work", List.of("thumbs.>"))));

    assertThat(grants.canSubscribe(ChannelPattern.of("switchboard.jobs.images.abc123"))).isTrue();
    assertThat(grants.canSubscribe(ChannelPattern.of("switchboard.jobs.images.*"))).isTrue();
    assertThat(grants.canSubscribe(ChannelPattern.of("switchboard.jobs.thumbs.small.abc123"))).isTrue();
    assertThat(grants.canSubscribe(ChannelPattern.of("switchboard.jobs.images.more.abc123"))).isFalse();
    assertThat(grants.canSubscribe(ChannelPattern.of("switchboard.jobs.>"))).isFalse();
    assertThat(grants.canSubscribe(ChannelPattern.of("images"))).isFalse();
  }

  @Test
  void anEmptyOrMissingClaimGrantsNothing() {
    assertThat(Grants.fromClaim(null)).isEqualTo(Grants.NONE);
    assertThat(Grants.fromClaim(Map.of())).isEqualTo(Grants.NONE);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "not an object; must be an object",
      "list; must be an object",
      "unknown field; unknown field \"publsh\"",
      "publish not a list; must be a list",
      "publish not strings; only strings",
      "bad pattern; orders..x",
      "admin not boolean; admin must be true or false",
      "jobs not an object; switchboard.jobs claim must be an object",
      "jobs unknown field; unknown field \"claim\"",
  })
  void aMalformedClaimIsRefusedSayingWhy(String kind, String expected) {
    Object claim = switch (kind) {
      case "not an object" -> "orders.>";
      case "list" -> List.of("orders.>");
      case "unknown field" -> Map.of("publsh", List.of("a"));
      case "publish not a list" -> Map.of("publish", "a");
      case "publish not strings" -> Map.of("publish", List.of(1));
      case "bad pattern" -> Map.of("subscribe", List.of("orders..x"));
      case "admin not boolean" -> Map.of("admin", "yes");
      case "jobs not an object" -> Map.of("jobs", List.of("q"));
      case "jobs unknown field" -> Map.of("jobs", Map.of("claim", List.of("q")));
      default -> throw new IllegalArgumentException(kind);
    };

    assertThatThrownBy(() -> Grants.fromClaim(claim)).isInstanceOf(InvalidInputException.class).hasMessageContaining(expected);
  }

  @Test
  void tooManyPatternsAreRefused() {
    List<String> many = java.util.stream.IntStream.range(0, 257).mapToObj(i -> "c" + i).toList();

    assertThatThrownBy(() -> Grants.fromClaim(Map.of("subscribe", many))).hasMessageContaining("at most 256");
  }

  @Test
  void plusJoinsBothCallersRights() {
    Grants anonymous = subscribing("public.>");
    Grants token = Grants.fromClaim(Map.of("publish", List.of("chat.1")));

    Grants both = token.plus(anonymous);

    assertThat(both.canSubscribe(ChannelPattern.of("public.news"))).isTrue();
    assertThat(both.canPublish(ChannelName.of("chat.1"))).isTrue();
    assertThat(both.admin()).isFalse();
  }
}

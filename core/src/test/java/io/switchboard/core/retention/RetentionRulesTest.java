package io.switchboard.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionRulesTest {
  private static final RetentionPolicy DEFAULT = new RetentionPolicy(1_000, Duration.ofHours(24));
  private static final RetentionPolicy AUDIT = new RetentionPolicy(1_000_000, Duration.ofDays(30));
  private static final RetentionPolicy ORDERS = new RetentionPolicy(100, Duration.ofHours(1));
  private static final RetentionPolicy CHAT = new RetentionPolicy(50, Duration.ofMinutes(10));

  private final RetentionRules rules = new RetentionRules(DEFAULT, List.of(
      new RetentionRules.Rule(ChannelPattern.of("orders.audit"), AUDIT),
      new RetentionRules.Rule(ChannelPattern.of("orders.>"), ORDERS),
      new RetentionRules.Rule(ChannelPattern.of("*.audit"), CHAT),
      new RetentionRules.Rule(ChannelPattern.of("chat.*"), CHAT)));

  @Test
  void theFirstMatchingRuleWinsInWrittenOrder() {
    assertThat(rules.policyFor(ChannelName.of("orders.audit"))).isEqualTo(AUDIT);
    assertThat(rules.policyFor(ChannelName.of("orders.42"))).isEqualTo(ORDERS);
    assertThat(rules.policyFor(ChannelName.of("orders.42.audit"))).isEqualTo(ORDERS);
    assertThat(rules.policyFor(ChannelName.of("chat.audit"))).isEqualTo(CHAT);
    assertThat(rules.policyFor(ChannelName.of("chat.room-1"))).isEqualTo(CHAT);
  }

  @Test
  void aLaterBroaderRuleDoesNotOverrideAnEarlierNarrowerOne() {
    RetentionRules broadLast = new RetentionRules(DEFAULT, List.of(
        new RetentionRules.Rule(ChannelPattern.of("orders.42"), AUDIT),
        new RetentionRules.Rule(ChannelPattern.of(">"), ORDERS)));
    RetentionRules broadFirst = new RetentionRules(DEFAULT, List.of(
        new RetentionRules.Rule(ChannelPattern.of(">"), ORDERS),
        new RetentionRules.Rule(ChannelPattern.of("orders.42"), AUDIT)));

    assertThat(broadLast.policyFor(ChannelName.of("orders.42"))).isEqualTo(AUDIT);
    assertThat(broadFirst.policyFor(ChannelName.of("orders.42"))).isEqualTo(ORDERS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders", "metrics.cpu", "chat", "chat.room-1.thread-2", "audit"})
  void aChannelNoRuleMatchesGetsTheDefault(String channel) {
    assertThat(rules.policyFor(ChannelName.of(channel))).isEqualTo(DEFAULT);
  }

  @Test
  void uniformRulesGiveEveryChannelTheSamePolicy() {
    RetentionRules uniform = RetentionRules.uniform(ORDERS);

    assertThat(uniform.policyFor(ChannelName.of("a"))).isEqualTo(ORDERS);
    assertThat(uniform.policyFor(ChannelName.of("orders.audit"))).isEqualTo(ORDERS);
    assertThat(uniform.rules()).isEmpty();
  }

  @Test
  void rulesAreCopiedSoLaterChangesToTheListDoNotLeakIn() {
    List<RetentionRules.Rule> written = new ArrayList<>();
    written.add(new RetentionRules.Rule(ChannelPattern.of("a"), ORDERS));
    RetentionRules copied = new RetentionRules(DEFAULT, written);

    written.add(0, new RetentionRules.Rule(ChannelPattern.of(">"), AUDIT));

    assertThat(copied.policyFor(ChannelName.of("a"))).isEqualTo(ORDERS);
    assertThat(copied.policyFor(ChannelName.of("b"))).isEqualTo(DEFAULT);
  }

  @Test
  void aDefaultPolicyAndNonNullRulesAreRequired() {
    assertThatThrownBy(() -> new RetentionRules(null, List.of())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RetentionRules.Rule(null, DEFAULT)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RetentionRules.Rule(ChannelPattern.of("a"), null)).isInstanceOf(NullPointerException.class);
  }
}

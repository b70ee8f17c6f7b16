package io.switchboard.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobChannelRetentionTest {
  private static final ChannelName JOB_CHANNEL = ChannelName.of("switchboard.jobs.images.abc");
  private static final RetentionPolicy DEFAULT = new RetentionPolicy(1_000, Duration.ofHours(24));

  @Test
  void jobChannelsKeepTheirMessagesForTenMinutesWhenNoRuleSaysOtherwise() {
    RetentionRules rules = Jobs.withJobChannelRetention(RetentionRules.uniform(DEFAULT));

    assertThat(rules.policyFor(JOB_CHANNEL)).isEqualTo(new RetentionPolicy(1_000, Duration.ofMinutes(10)));
    assertThat(rules.policyFor(ChannelName.of("orders.42"))).isEqualTo(DEFAULT);
  }

  @Test
  void aConfiguredRuleThatMatchesJobChannelsWins() {
    RetentionPolicy configured = new RetentionPolicy(5, Duration.ofDays(2));
    RetentionRules rules = Jobs.withJobChannelRetention(
        new RetentionRules(DEFAULT, List.of(new RetentionRules.Rule(ChannelPattern.of("switchboard.>"), configured))));

    assertThat(rules.policyFor(JOB_CHANNEL)).isEqualTo(configured);
  }

  @Test
  void aShorterDefaultAgeIsKept() {
    RetentionPolicy brief = new RetentionPolicy(1_000, Duration.ofMinutes(1));

    assertThat(Jobs.withJobChannelRetention(RetentionRules.uniform(brief)).policyFor(JOB_CHANNEL)).isEqualTo(brief);
  }
}

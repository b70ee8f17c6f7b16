package io.switchboard.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionPolicyTest {

  @Test
  void acceptsTheBoundsOfTheMessageCount() {
    assertThat(new RetentionPolicy(1, Duration.ofSeconds(1)).maxMessages()).isEqualTo(1);
    assertThat(new RetentionPolicy(RetentionPolicy.MAX_MESSAGES_LIMIT, Duration.ofNanos(1)).maxMessages())
        .isEqualTo(10_000_000);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE, RetentionPolicy.MAX_MESSAGES_LIMIT + 1, Integer.MAX_VALUE})
  void rejectsAMessageCountOutside1To10Million(int maxMessages) {
    assertThatThrownBy(() -> new RetentionPolicy(maxMessages, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-messages " + maxMessages + " is outside 1..10000000");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -3_600_000})
  void rejectsAZeroOrNegativeAge(long millis) {
    Duration age = Duration.ofMillis(millis);

    assertThatThrownBy(() -> new RetentionPolicy(10, age))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-age " + age + " must be positive");
  }

  @Test
  void rejectsAMissingAge() {
    assertThatThrownBy(() -> new RetentionPolicy(10, null)).isInstanceOf(NullPointerException.class).hasMessage("maxAge");
  }

  @Test
  void withersChangeOneLimitAndValidateIt() {
    RetentionPolicy policy = new RetentionPolicy(10, Duration.ofHours(1));

    assertThat(policy.withMaxMessages(20)).isEqualTo(new RetentionPolicy(20, Duration.ofHours(1)));
    assertThat(policy.withMaxAge(Duration.ofMinutes(5))).isEqualTo(new RetentionPolicy(10, Duration.ofMinutes(5)));
    assertThatThrownBy(() -> policy.withMaxMessages(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withMaxAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDefaultKeepsAThousandMessagesForADay() {
    assertThat(RetentionPolicy.DEFAULT).isEqualTo(new RetentionPolicy(1_000, Duration.ofHours(24)));
  }
}

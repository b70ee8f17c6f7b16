package io.switchboard.core.retention;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.util.List;
import java.util.Objects;

/**
 * Retention per channel pattern: the first rule whose pattern matches a channel decides its
 * policy, in the order the rules were written; a channel no rule matches gets the default.
 */
public record RetentionRules(RetentionPolicy defaultPolicy, List<Rule> rules) {
  public record Rule(ChannelPattern pattern, RetentionPolicy policy) {
    public Rule {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(policy, "policy");
    }
  }

  public RetentionRules {
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    rules = List.copyOf(rules);
  }

  public static RetentionRules uniform(RetentionPolicy policy) {
    return new RetentionRules(policy, List.of());
  }

  /** These rules, then {@code fallback}: it decides only for channels none of them matches. */
  public RetentionRules followedBy(Rule fallback) {
    List<Rule> all = new java.util.ArrayList<>(rules);
    all.add(fallback);
    return new RetentionRules(defaultPolicy, all);
  }

  public RetentionPolicy policyFor(ChannelName channel) {
    for (Rule rule : rules) {
      if (rule.pattern().matches(channel)) {
        return rule.policy();
      }
    }
    return defaultPolicy;
  }
}

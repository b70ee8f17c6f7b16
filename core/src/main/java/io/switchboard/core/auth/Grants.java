package io.switchboard.core.auth;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.jobs.Jobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a caller may do: publish to channels, subscribe to channels and patterns, submit jobs to
 * queues and work on them, and administer the server. Channels and queues are granted by pattern
 * ({@code orders.>}, {@code images}).
 *
 * <p>Holding a jobs grant on a queue also lets the caller follow the channels on which that queue's
 * jobs report their changes ({@code switchboard.jobs.QUEUE.ID}), so that a submitter can watch its
 * job over any transport without a separate subscribe grant.
 *
 * @param publish channels the caller may publish to
 * @param subscribe channels and patterns the caller may read, stream and subscribe to
 * @param submit queues the caller may submit jobs to
 * @param work queues whose jobs the caller may claim and settle
 * @param admin whether the caller may use the endpoints that describe the whole server
 */
public record Grants(
    List<ChannelPattern> publish,
    List<ChannelPattern> subscribe,
    List<ChannelPattern> submit,
    List<ChannelPattern> work,
    boolean admin) {
  /** The claim of a token that carries grants. */
  public static final String CLAIM = "switchboard";

  public static final Grants NONE = new Grants(List.of(), List.of(), List.of(), List.of(), false);

  private static final List<ChannelPattern> EVERYTHING = List.of(ChannelPattern.of(">"));

  /** Everything; what every caller holds while authentication is off. */
  public static final Grants ALL = new Grants(EVERYTHING, EVERYTHING, EVERYTHING, EVERYTHING, true);

  private static final Set<String> CLAIM_FIELDS = Set.of("publish", "subscribe", "jobs", "admin");
  private static final Set<String> JOBS_FIELDS = Set.of("submit", "work");
  private static final int MAX_PATTERNS = 256;

  public Grants {
    publish = List.copyOf(publish);
    subscribe = withJobChannels(List.copyOf(subscribe), submit, work);
    submit = List.copyOf(submit);
    work = List.copyOf(work);
  }

  /** Both callers' rights together: what anonymous callers may do, a token holder may do too. */
  public Grants plus(Grants other) {
    return new Grants(concat(publish, other.publish), concat(subscribe, other.subscribe), concat(submit, other.submit),
        concat(work, other.work), admin || other.admin);
  }

  /** Whether these grants allow nothing at all. */
  public boolean isEmpty() {
    return publish.isEmpty() && subscribe.isEmpty() && submit.isEmpty() && work.isEmpty() && !admin;
  }

  public boolean canPublish(ChannelName channel) {
    return PatternCoverage.matchesAny(publish, channel);
  }

  /** Whether every channel {@code pattern} can match is granted; a plain name is a pattern too. */
  public boolean canSubscribe(ChannelPattern pattern) {
    return PatternCoverage.covers(subscribe, pattern);
  }

  public boolean canSubmit(String queue) {
    return PatternCoverage.matchesAny(submit, ChannelName.of(queue));
  }

  public boolean canWork(String queue) {
    return PatternCoverage.matchesAny(work, ChannelName.of(queue));
  }

  /**
   * Reads the {@value #CLAIM} claim of a token, as a JSON library hands it over (maps, lists,
   * strings and booleans): {@code {"publish": [...], "subscribe": [...], "jobs": {"submit": [...],
   * "work": [...]}, "admin": true}}. Every field may be left out; unknown fields are refused, so
   * that a misspelt grant is an error rather than a silent nothing.
   *
   * @throws InvalidInputException saying which field is wrong and why
   */
  public static Grants fromClaim(Object claim) {
    if (claim == null) {
      return NONE;
    }
    Map<?, ?> fields = object(claim, CLAIM, CLAIM_FIELDS);
    Map<?, ?> jobs = fields.containsKey("jobs") ? object(fields.get("jobs"), CLAIM + ".jobs", JOBS_FIELDS) : Map.of();
    Object admin = fields.get("admin");
    if (admin != null && !(admin instanceof Boolean)) {
      throw new InvalidInputException("the token's " + CLAIM + ".admin must be true or false");
    }
    return new Grants(patterns(fields.get("publish"), CLAIM + ".publish"), patterns(fields.get("subscribe"), CLAIM + ".subscribe"),
        patterns(jobs.get("submit"), CLAIM + ".jobs.submit"), patterns(jobs.get("work"), CLAIM + ".jobs.work"), Boolean.TRUE.equals(admin));
  }

  /** Grants read from settings: each list is patterns separated by commas. */
  public static Grants ofPatterns(List<String> publish, List<String> subscribe) {
    return new Grants(publish.stream().map(ChannelPattern::of).toList(), subscribe.stream().map(ChannelPattern::of).toList(),
        List.of(), List.of(), false);
  }

  private static Map<?, ?> object(Object value, String where, Set<String> known) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidInputException("the token's " + where + " claim must be an object");
    }
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        throw new InvalidInputException("the token's " + where + " has an unknown field " + InvalidInputException.quote(String.valueOf(key))
            + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    return map;
  }

  private static List<ChannelPattern> patterns(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new InvalidInputException("the token's " + where + " must be a list of channel patterns");
    }
    if (list.size() > MAX_PATTERNS) {
      throw new InvalidInputException("the token's " + where + " has " + list.size() + " patterns; at most " + MAX_PATTERNS);
    }
    List<ChannelPattern> patterns = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new InvalidInputException("the token's " + where + " must hold only strings");
      }
      try {
        patterns.add(ChannelPattern.of(text));
      } catch (InvalidInputException invalid) {
        throw new InvalidInputException("the token's " + where + ": " + invalid.getMessage());
      }
    }
    return patterns;
  }

  /** The channels of the granted queues' jobs: {@code switchboard.jobs.QUEUE.ID}. */
  private static List<ChannelPattern> withJobChannels(List<ChannelPattern> subscribe, List<ChannelPattern> submit, List<ChannelPattern> work) {
    List<ChannelPattern> all = new ArrayList<>(subscribe);
    Stream.concat(submit.stream(), work.stream())
        .map(queue -> queue.value().endsWith(">") ? queue.value() : queue.value() + ".*")
        .map(rest -> Jobs.CHANNEL_PREFIX + rest)
        // A queue pattern too long for a job channel matches no queue that can exist.
        .filter(text -> text.length() <= ChannelName.MAX_LENGTH)
        .map(ChannelPattern::of)
        .filter(pattern -> !all.contains(pattern))
        .forEach(all::add);
    return List.copyOf(all);
  }

  private static List<ChannelPattern> concat(List<ChannelPattern> first, List<ChannelPattern> second) {
    return Stream.concat(first.stream(), second.stream()).distinct().toList();
  }
}

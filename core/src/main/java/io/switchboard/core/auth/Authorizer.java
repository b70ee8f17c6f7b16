package io.switchboard.core.auth;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.session.Session;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The one place that decides whether a caller may do something. Transports establish the
 * {@link Caller} (from a verified token, or anonymous) and ask here before every publish, read,
 * stream, subscription, session use, job operation and administrative request; none of them
 * decides on its own.
 *
 * <p>With authentication off every caller may do everything. With it on, a caller without a token
 * holds the configured anonymous rights, and a caller with a token holds its grants plus those.
 */
public final class Authorizer {
  private final boolean enabled;
  private final Grants anonymous;
  /** Every request without a token has this caller; made once, as it is asked for on every request. */
  private final Caller anonymousCaller;

  private Authorizer(boolean enabled, Grants anonymous) {
    this.enabled = enabled;
    this.anonymous = anonymous;
    this.anonymousCaller = new Caller(Optional.empty(), false, anonymous, Optional.empty());
  }

  /** Authentication off: every caller may do everything, as when running locally. */
  public static Authorizer disabled() {
    return new Authorizer(false, Grants.ALL);
  }

  /** Authentication on; callers without a token hold {@code anonymous}. */
  public static Authorizer enabled(Grants anonymous) {
    return new Authorizer(true, anonymous);
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** A caller that presented no token. */
  public Caller anonymous() {
    return anonymousCaller;
  }

  /** A caller whose token was verified: its grants plus the anonymous rights. */
  public Caller authenticated(Optional<String> subject, Grants grants, Optional<Instant> expiresAt) {
    return new Caller(subject, true, enabled ? grants.plus(anonymous) : Grants.ALL, expiresAt);
  }

  public void checkPublish(Caller caller, ChannelName channel) {
    if (!caller.grants().canPublish(channel)) {
      throw denied(caller, "publish to channel " + channel);
    }
  }

  /** Reading, streaming and subscribing all need the same grant: the pattern must be covered whole. */
  public void checkSubscribe(Caller caller, ChannelPattern pattern) {
    if (!caller.grants().canSubscribe(pattern)) {
      String what = pattern.hasWildcards()
          ? "subscribe to pattern " + pattern + " (every channel it can match must be granted)"
          : "read channel " + pattern;
      throw denied(caller, what);
    }
  }

  public void checkSubscribe(Caller caller, Collection<ChannelPattern> patterns) {
    patterns.forEach(pattern -> checkSubscribe(caller, pattern));
  }

  public void checkSubmit(Caller caller, String queue) {
    if (!caller.grants().canSubmit(validQueue(queue))) {
      throw denied(caller, "submit jobs to queue " + queue);
    }
  }

  public void checkWork(Caller caller, String queue) {
    if (!caller.grants().canWork(validQueue(queue))) {
      throw denied(caller, "work on jobs of queue " + queue);
    }
  }

  /** A job's status is for those who may submit to its queue or work on it. */
  public void checkJobStatus(Caller caller, String queue) {
    if (!caller.grants().canSubmit(queue) && !caller.grants().canWork(queue)) {
      throw denied(caller, "see jobs of queue " + queue);
    }
  }

  public void checkAdmin(Caller caller) {
    if (!caller.grants().admin()) {
      throw denied(caller, "use this administrative endpoint (it needs \"admin\": true)");
    }
  }

  /**
   * A session belongs to the subject that created it, and is read with that subject's current
   * grants: a session made anonymously stays usable by whoever holds its id and may read its
   * channels.
   */
  public void checkSession(Caller caller, Session session) {
    if (enabled && !session.owner().isEmpty() && !session.owner().equals(caller.owner())) {
      throw denied(caller, "use a session created by another subject");
    }
    checkSubscribe(caller, session.patterns());
  }

  private static String validQueue(String queue) {
    if (!ChannelName.isValid(queue)) {
      throw new InvalidInputException("invalid queue " + InvalidInputException.quote(queue) + ": " + ChannelName.problemWith(queue).orElse(""));
    }
    return queue;
  }

  private AccessDeniedException denied(Caller caller, String what) {
    if (!caller.authenticated()) {
      return new AccessDeniedException(true, "a token is needed to " + what + "; send it as Authorization: Bearer");
    }
    return new AccessDeniedException(false, "the token does not grant the right to " + what);
  }
}

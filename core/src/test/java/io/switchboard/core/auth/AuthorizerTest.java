package io.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.session.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
  private static final Grants PUBLIC_READS = Grants.ofPatterns(List.of(), List.of("public.>"));
  private final Authorizer authorizer = Authorizer.enabled(PUBLIC_READS);

  private Caller withToken(String subject, Map<String, Object> claim) {
    return authorizer.authenticated(Optional.of(subject), Grants.fromClaim(claim), Optional.empty());
  }

  private static Session session(String owner, String... patterns) {
    return new Session("AAAAAAAAAAAAAAAAAAAAAA", List.of(patterns).stream().map(ChannelPattern::of).toList(), StreamCursor.since(0), 0, 0,
        60_000, owner);
  }

  @Test
  void withAuthenticationOffEveryoneMayDoEverything() {
    Authorizer off = Authorizer.disabled();
    Caller anyone = off.anonymous();

    assertThatCode(() -> {
      off.checkPublish(anyone, ChannelName.of("a.b"));
      off.checkSubscribe(anyone, ChannelPattern.of(">"));
      off.checkSubmit(anyone, "q");
      off.checkWork(anyone, "q");
      off.checkAdmin(anyone);
      off.checkSession(anyone, session("alice", "a"));
    }).doesNotThrowAnyException();
  }

  @Test
  void anAnonymousCallerHoldsTheAnonymousRightsAndIsToldToAuthenticateForMore() {
    Caller anonymous = authorizer.anonymous();

    assertThatCode(() -> authorizer.checkSubscribe(anonymous, ChannelPattern.of("public.news.*"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> authorizer.checkPublish(anonymous, ChannelName.of("public.news")))
        .isInstanceOfSatisfying(AccessDeniedException.class, denied -> assertThat(denied.needsCredentials()).isTrue())
        .hasMessageContaining("a token is needed to publish to channel public.news");
  }

  @Test
  void aTokenHolderWithoutTheGrantIsForbiddenNotAskedToAuthenticate() {
    Caller bob = withToken("bob", Map.of("subscribe", List.of("orders.42")));

    assertThatThrownBy(() -> authorizer.checkSubscribe(bob, ChannelPattern.of("orders.*")))
        .isInstanceOfSatisfying(AccessDeniedException.class, denied -> assertThat(denied.needsCredentials()).isFalse())
        .hasMessageContaining("pattern orders.*")
        .hasMessageContaining("every channel it can match");
    assertThatCode(() -> authorizer.checkSubscribe(bob, ChannelPattern.of("orders.42"))).doesNotThrowAnyException();
    assertThatCode(() -> authorizer.checkSubscribe(bob, ChannelPattern.of("public.x"))).doesNotThrowAnyException();
  }

  @Test
  void jobStatusNeedsSubmitOrWorkOnTheQueue() {
    Caller submitter = withToken("s", Map.of("jobs", Map.of("submit", List.of("images"))));
    Caller worker = withToken("w", Map.of("jobs", Map.of("work", List.of("images"))));
    Caller stranger = withToken("x", Map.of("jobs", Map.of("submit", List.of("other"))));

    assertThatCode(() -> authorizer.checkJobStatus(submitter, "images")).doesNotThrowAnyException();
    assertThatCode(() -> authorizer.checkJobStatus(worker, "images")).doesNotThrowAnyException();
    assertThatThrownBy(() -> authorizer.checkJobStatus(stranger, "images")).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> authorizer.checkWork(submitter, "images")).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> authorizer.checkSubmit(worker, "images")).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void aSessionBelongsToItsCreatorAndIsReadWithTheCurrentGrants() {
    Caller alice = withToken("alice", Map.of("subscribe", List.of("orders.>")));
    Caller mallory = withToken("mallory", Map.of("subscribe", List.of(">")));
    Caller aliceNarrowed = withToken("alice", Map.of("subscribe", List.of("orders.1")));

    assertThatCode(() -> authorizer.checkSession(alice, session("alice", "orders.*"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> authorizer.checkSession(mallory, session("alice", "orders.*"))).hasMessageContaining("another subject");
    assertThatThrownBy(() -> authorizer.checkSession(aliceNarrowed, session("alice", "orders.*"))).hasMessageContaining("orders.*");
    assertThatCode(() -> authorizer.checkSession(mallory, session("", "orders.*"))).doesNotThrowAnyException();
  }

  @Test
  void timeToExpiryIsAtLeastAMillisecondAndAbsentWithoutAnExpiry() {
    Caller expiring = authorizer.authenticated(Optional.of("a"), Grants.NONE, Optional.of(java.time.Instant.ofEpochMilli(10_000)));

    assertThat(expiring.millisToExpiry(4_000)).contains(6_000L);
    assertThat(expiring.millisToExpiry(12_000)).contains(1L);
    assertThat(authorizer.anonymous().millisToExpiry(4_000)).isEmpty();
  }

  @Test
  void adminNeedsTheAdminFlag() {
    assertThatThrownBy(() -> authorizer.checkAdmin(withToken("a", Map.of("subscribe", List.of(">"))))).hasMessageContaining("admin");
    assertThatCode(() -> authorizer.checkAdmin(withToken("a", Map.of("admin", true)))).doesNotThrowAnyException();
  }

  @Test
  void anInvalidQueueIsABadRequestNotADenial() {
    Caller anyone = withToken("a", Map.of("admin", true));

    assertThatThrownBy(() -> authorizer.checkSubmit(anyone, "bad..queue")).isInstanceOf(io.switchboard.core.InvalidInputException.class);
  }
}

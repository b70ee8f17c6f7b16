package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.server.auth.InvalidTokenException;
import io.switchboard.server.auth.TokenVerifier;
import io.switchboard.server.auth.VerifiedToken;
import io.switchboard.server.config.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Establishes who makes each request, before any route runs: the token is taken from the
 * {@code Authorization: Bearer} header, else the configured cookie, else {@code access_token=} in
 * the URL (when allowed), verified, and the resulting {@link Caller} kept on the request. A request
 * without a token is anonymous; one with a token that does not verify is answered 401 at once,
 * whatever it asked for, so a bad token never silently falls back to anonymous rights.
 *
 * <p>Whether the caller may do what it asks is the {@link Authorizer}'s to decide, in each handler.
 */
final class Access {
  static final String QUERY_TOKEN = "access_token";
  private static final String CALLER = "switchboard.caller";
  private static final String BEARER = "Bearer ";

  private final Authorizer authorizer;
  private final Optional<TokenVerifier> verifier;
  private final String cookie;
  private final boolean queryToken;

  Access(Authorizer authorizer, Optional<TokenVerifier> verifier, AuthConfig config) {
    this.authorizer = authorizer;
    this.verifier = verifier;
    this.cookie = config.cookie();
    this.queryToken = config.queryToken();
  }

  Authorizer authorizer() {
    return authorizer;
  }

  /** Identifies the caller of {@code ctx} before any route runs; throws {@link InvalidTokenException} (401) for a token that does not verify. */
  void identify(RoutingContext ctx) {
    ctx.put(CALLER, identify(ctx.request()));
  }

  /** The caller of {@code request}, for requests served without the router; throws as {@link #identify(RoutingContext)} does. */
  Caller identify(HttpServerRequest request) {
    if (verifier.isEmpty()) {
      return authorizer.anonymous();
    }
    Optional<String> token = token(request);
    if (token.isEmpty()) {
      return authorizer.anonymous();
    }
    VerifiedToken verified = verifier.get().verify(token.get());
    return authorizer.authenticated(verified.subject(), verified.grants(), verified.expiresAt());
  }

  /** The caller {@link #identify} established for {@code ctx}. */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    if (caller == null) {
      throw new IllegalStateException("no caller was established for " + ctx.request().path());
    }
    return caller;
  }

  /**
   * Runs {@code end} on the request's event loop when the caller's token expires, for streams that
   * must not outlive it.
   *
   * @return cancels it; does nothing for a caller whose token has no expiry
   */
  static Runnable atExpiry(RoutingContext ctx, Runnable end) {
    Optional<Long> untilExpiry = caller(ctx).millisToExpiry(System.currentTimeMillis());
    if (untilExpiry.isEmpty()) {
      return () -> {};
    }
    Vertx vertx = ctx.vertx();
    long timer = vertx.setTimer(untilExpiry.get(), id -> end.run());
    return () -> vertx.cancelTimer(timer);
  }

  /** {@code wait}, cut short so that a held request is answered before the caller's token expires. */
  static Duration heldAtMost(RoutingContext ctx, Duration wait) {
    return caller(ctx).millisToExpiry(System.currentTimeMillis())
        .map(Duration::ofMillis)
        .filter(untilExpiry -> untilExpiry.compareTo(wait) < 0)
        .orElse(wait);
  }

  private Optional<String> token(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
        throw new InvalidTokenException("the Authorization header must be \"Bearer <token>\"");
      }
      return Optional.of(header.substring(BEARER.length()).trim());
    }
    Cookie fromCookie = request.getCookie(cookie);
    if (fromCookie != null && !fromCookie.getValue().isEmpty()) {
      return Optional.of(fromCookie.getValue());
    }
    List<String> fromQuery = QueryParameters.of(request).all(QUERY_TOKEN);
    if (fromQuery.isEmpty()) {
      return Optional.empty();
    }
    if (!queryToken) {
      throw new InvalidTokenException("tokens in the URL (" + QUERY_TOKEN + "=) are turned off on this server (auth.query-token); "
          + "send the token as Authorization: Bearer or in the " + cookie + " cookie");
    }
    if (fromQuery.size() > 1) {
      throw new InvalidInputException("query parameter " + QUERY_TOKEN + " is given " + fromQuery.size() + " times; give it once");
    }
    return Optional.of(fromQuery.get(0));
  }
}

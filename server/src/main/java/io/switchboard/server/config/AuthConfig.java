package io.switchboard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How callers prove who they are and what anonymous callers may do. Authentication is on as soon
 * as one key is configured: an HS256 secret, a PEM public key (RS256 or ES256, by the key's type)
 * or a JWKS file.
 *
 * @param secret the shared HS256 key ({@code auth.secret}), at least 32 bytes
 * @param publicKey a PEM file holding an RSA or EC (P-256) public key or certificate ({@code auth.public-key})
 * @param jwks a JSON Web Key Set file ({@code auth.jwks})
 * @param issuer when set, tokens must carry exactly this {@code iss}
 * @param audience when set, tokens must name this among their {@code aud}
 * @param clockSkew how far {@code exp} and {@code nbf} may be off the server's clock
 * @param cookie the name of the cookie that may carry the token
 * @param queryToken whether {@code access_token=} in the URL is accepted
 * @param anonymousPublish channel patterns anyone may publish to without a token
 * @param anonymousSubscribe channel patterns anyone may read and subscribe to without a token
 */
public record AuthConfig(
    Optional<String> secret,
    Optional<Path> publicKey,
    Optional<Path> jwks,
    Optional<String> issuer,
    Optional<String> audience,
    Duration clockSkew,
    String cookie,
    boolean queryToken,
    List<String> anonymousPublish,
    List<String> anonymousSubscribe) {
  public AuthConfig {
    anonymousPublish = List.copyOf(anonymousPublish);
    anonymousSubscribe = List.copyOf(anonymousSubscribe);
  }

  public boolean enabled() {
    return secret.isPresent() || publicKey.isPresent() || jwks.isPresent();
  }

  public AuthConfig withSecret(String newSecret) {
    return new AuthConfig(Optional.of(newSecret), publicKey, jwks, issuer, audience, clockSkew, cookie, queryToken, anonymousPublish,
        anonymousSubscribe);
  }

  public AuthConfig withPublicKey(Path newPublicKey) {
    return new AuthConfig(secret, Optional.of(newPublicKey), jwks, issuer, audience, clockSkew, cookie, queryToken, anonymousPublish,
        anonymousSubscribe);
  }

  public AuthConfig withJwks(Path newJwks) {
    return new AuthConfig(secret, publicKey, Optional.of(newJwks), issuer, audience, clockSkew, cookie, queryToken, anonymousPublish,
        anonymousSubscribe);
  }

  public AuthConfig withAnonymous(List<String> publish, List<String> subscribe) {
    return new AuthConfig(secret, publicKey, jwks, issuer, audience, clockSkew, cookie, queryToken, publish, subscribe);
  }

  public AuthConfig withQueryToken(boolean accepted) {
    return new AuthConfig(secret, publicKey, jwks, issuer, audience, clockSkew, cookie, accepted, anonymousPublish, anonymousSubscribe);
  }

  public AuthConfig withIssuerAndAudience(Optional<String> newIssuer, Optional<String> newAudience) {
    return new AuthConfig(secret, publicKey, jwks, newIssuer, newAudience, clockSkew, cookie, queryToken, anonymousPublish,
        anonymousSubscribe);
  }
}

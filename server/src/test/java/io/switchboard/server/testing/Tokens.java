package io.switchboard.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Tokens for tests, signed with Nimbus as an identity provider would sign them, and the forged
 * kinds an attacker would try: unsigned, signed with another key, with another algorithm, expired.
 */
public final class Tokens {
  private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();

  private Tokens(String subject) {
    claims.subject(subject).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
  }

  /** A token for {@code subject}, valid for an hour, without grants until some are added. */
  public static Tokens forSubject(String subject) {
    return new Tokens(subject);
  }

  /** A token for {@code subject} granted everything: publish and subscribe on {@code >}, every queue, admin. */
  public static Tokens everything(String subject) {
    return forSubject(subject).grants(Map.of("publish", List.of(">"), "subscribe", List.of(">"),
        "jobs", Map.of("submit", List.of(">"), "work", List.of(">")), "admin", true));
  }

  /** Sets the {@code switchboard} claim: {@code grants} as its JSON would be, maps and lists. */
  public Tokens grants(Map<String, Object> grants) {
    claims.claim("switchboard", grants);
    return this;
  }

  public Tokens subscribe(String... patterns) {
    return grants(Map.of("subscribe", List.of(patterns)));
  }

  public Tokens publish(String... patterns) {
    return grants(Map.of("publish", List.of(patterns)));
  }

  public Tokens expiresAt(Instant expiry) {
    claims.expirationTime(Date.from(expiry));
    return this;
  }

  public Tokens withoutExpiry() {
    claims.expirationTime(null);
    return this;
  }

  public Tokens notBefore(Instant start) {
    claims.notBeforeTime(Date.from(start));
    return this;
  }

  public Tokens claim(String name, Object value) {
    claims.claim(name, value);
    return this;
  }

  public String hs256(String secret) {
    return sign(JWSAlgorithm.HS256, macSigner(secret));
  }

  /** Signed with the right secret but a stronger HMAC than the server accepts. */
  public String hs512(String secret) {
    return sign(JWSAlgorithm.HS512, macSigner(secret + secret));
  }

  public String rs256(KeyPair keys) {
    return sign(JWSAlgorithm.RS256, new RSASSASigner(keys.getPrivate()));
  }

  public String es256(KeyPair keys) {
    try {
      return sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    } catch (JOSEException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** {@code alg: none}: the claims with no signature at all. */
  public String unsigned() {
    return new PlainJWT(claims.build()).serialize();
  }

  /** Correctly formed and signed, then one character of the signature changed. */
  public String withBadSignature(String secret) {
    String token = hs256(secret);
    char last = token.charAt(token.length() - 2);
    return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
  }

  private String sign(JWSAlgorithm algorithm, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException failed) {
      throw new IllegalStateException("cannot sign a test token", failed);
    }
    return jwt.serialize();
  }

  private static MACSigner macSigner(String secret) {
    try {
      return new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (JOSEException tooShort) {
      throw new IllegalStateException(tooShort);
    }
  }
}

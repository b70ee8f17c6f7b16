package io.switchboard.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Grants;
import io.switchboard.server.config.AuthConfig;
import io.switchboard.server.config.SettingsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies JSON Web Tokens against the one key source configured: signature, algorithm, {@code exp},
 * {@code nbf}, and {@code iss} and {@code aud} when configured. Unsigned tokens ({@code alg: none})
 * and algorithms other than the key's are refused before any signature is looked at, so a token
 * signed with a public key used as an HMAC secret can never pass.
 *
 * <p>The work is Nimbus JOSE+JWT's; this class only loads the keys, chooses the algorithms, and
 * turns Nimbus's failures into messages a client can act on.
 */
public final class TokenVerifier {
  /** Longer tokens are refused unread: a JWT with generous grants is a few kilobytes at most. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;
  /** HS256 needs a key at least as long as its hash (RFC 7518, section 3.2). */
  public static final int MIN_SECRET_BYTES = 32;
  /**
   * The compact serialization, strictly: base64url parts and dots only. Nimbus's decoder skips
   * characters outside the alphabet, so without this check a token with a space in it would pass.
   */
  private static final java.util.regex.Pattern COMPACT = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Set<JWSAlgorithm> accepted;

  private TokenVerifier(Set<JWSAlgorithm> accepted, JWKSource<SecurityContext> keys, AuthConfig config) {
    this.accepted = accepted;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(accepted, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        config.audience().map(Set::of).orElse(null),
        config.issuer().map(issuer -> new JWTClaimsSet.Builder().issuer(issuer).build()).orElse(null),
        config.audience().isPresent() ? Set.of("aud") : null,
        null);
    claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  /**
   * The verifier for the key {@code config} names, read now.
   *
   * @throws SettingsException when no key or more than one is configured, or the key cannot be read
   */
  public static TokenVerifier of(AuthConfig config) {
    int sources = (config.secret().isPresent() ? 1 : 0) + (config.publicKey().isPresent() ? 1 : 0) + (config.jwks().isPresent() ? 1 : 0);
    if (sources != 1) {
      throw new SettingsException("invalid setting auth: configure exactly one of auth.secret, auth.public-key and auth.jwks, not " + sources);
    }
    if (config.secret().isPresent()) {
      byte[] secret = config.secret().get().getBytes(StandardCharsets.UTF_8);
      return new TokenVerifier(Set.of(JWSAlgorithm.HS256), new ImmutableSecret<>(secret), config);
    }
    JWKSet keys = config.publicKey().isPresent() ? new JWKSet(publicKey(config.publicKey().get())) : jwks(config.jwks().get());
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (JWK key : keys.getKeys()) {
      if (key.getKeyType() == KeyType.RSA) {
        algorithms.add(JWSAlgorithm.RS256);
      } else if (key.getKeyType() == KeyType.EC && Curve.P_256.equals(((ECKey) key).getCurve())) {
        algorithms.add(JWSAlgorithm.ES256);
      }
    }
    if (algorithms.isEmpty()) {
      throw new SettingsException("invalid setting auth: the configured keys hold no RSA or EC P-256 public key, so no token could be verified");
    }
    return new TokenVerifier(algorithms, new ImmutableJWKSet<>(keys.toPublicJWKSet()), config);
  }

  /**
   * @throws InvalidTokenException saying why the token is not accepted
   */
  public VerifiedToken verify(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("the token is longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    JWT jwt;
    try {
      if (!COMPACT.matcher(token).matches()) {
        throw new ParseException("not three base64url parts", 0);
      }
      jwt = JWTParser.parse(token);
    } catch (ParseException | RuntimeException malformed) {
      // Nimbus fails on some hostile headers (a JSON null, say) with unchecked exceptions: still a malformed token.
      throw new InvalidTokenException("the token is not a well-formed JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException("the token is not signed (alg " + InvalidInputException.quote(String.valueOf(jwt.getHeader().getAlgorithm()))
          + "); only signed tokens are accepted");
    }
    if (!accepted.contains(signed.getHeader().getAlgorithm())) {
      // The algorithm is the sender's text: quoted, so it can neither flood nor garble the message.
      throw new InvalidTokenException("the token's algorithm " + InvalidInputException.quote(String.valueOf(signed.getHeader().getAlgorithm()))
          + " is not accepted; this server accepts "
          + accepted.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(", ")));
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (BadJWSException badSignature) {
      throw new InvalidTokenException("the token's signature does not verify");
    } catch (BadJWTException badClaims) {
      throw new InvalidTokenException(claimsProblem(badClaims));
    } catch (BadJOSEException | JOSEException | RuntimeException unverifiable) {
      throw new InvalidTokenException("the token cannot be verified: no configured key matches it");
    }
    try {
      return new VerifiedToken(Optional.ofNullable(claims.getSubject()), Grants.fromClaim(claims.getClaim(Grants.CLAIM)),
          Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant));
    } catch (InvalidInputException malformedGrants) {
      throw new InvalidTokenException(malformedGrants.getMessage());
    }
  }

  private static String claimsProblem(BadJWTException problem) {
    String message = String.valueOf(problem.getMessage());
    if (message.startsWith("Expired")) {
      return "the token has expired (exp)";
    }
    if (message.contains("before use time")) {
      return "the token is not valid yet (nbf)";
    }
    if (message.contains("aud")) {
      return "the token is not meant for this server (aud)";
    }
    if (message.contains("iss")) {
      return "the token was not issued by the configured issuer (iss)";
    }
    return "the token's claims are not accepted";
  }

  private static JWK publicKey(Path file) {
    String pem = read(file, "auth.public-key");
    try {
      if (pem.contains("-----BEGIN CERTIFICATE-----")) {
        PublicKey key = CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
            .getPublicKey();
        return jwk(key, file);
      }
      String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
      if (!pem.contains("-----BEGIN PUBLIC KEY-----") || base64.isEmpty()) {
        throw new SettingsException("invalid setting auth.public-key: " + file + " holds no PEM public key (-----BEGIN PUBLIC KEY-----) or certificate");
      }
      X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
      for (String algorithm : List.of("RSA", "EC")) {
        try {
          return jwk(KeyFactory.getInstance(algorithm).generatePublic(spec), file);
        } catch (GeneralSecurityException notThisType) {
          // Try the other type; the PEM label does not say which it is.
        }
      }
      throw new SettingsException("invalid setting auth.public-key: " + file + " holds neither an RSA nor an EC public key");
    } catch (GeneralSecurityException | IllegalArgumentException unreadable) {
      throw new SettingsException("invalid setting auth.public-key: cannot read the key in " + file + ": " + unreadable.getMessage());
    }
  }

  private static JWK jwk(PublicKey key, Path file) {
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    if (key instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
      return new ECKey.Builder(Curve.P_256, ec).build();
    }
    throw new SettingsException("invalid setting auth.public-key: " + file + " holds a " + key.getAlgorithm()
        + " key; use an RSA key (RS256) or an EC key on P-256 (ES256)");
  }

  private static JWKSet jwks(Path file) {
    try {
      return JWKSet.parse(read(file, "auth.jwks"));
    } catch (ParseException malformed) {
      throw new SettingsException("invalid setting auth.jwks: " + file + " is not a JSON Web Key Set: " + malformed.getMessage());
    }
  }

  private static String read(Path file, String setting) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException unreadable) {
      throw new SettingsException("invalid setting " + setting + ": cannot read " + file + ": " + unreadable.getMessage());
    }
  }
}

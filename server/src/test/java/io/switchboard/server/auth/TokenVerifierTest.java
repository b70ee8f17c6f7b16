package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.server.config.AuthConfig;
import io.switchboard.server.config.Settings;
import io.switchboard.server.config.SettingsException;
import io.switchboard.server.testing.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";
  private static final AuthConfig OFF = Settings.defaults().auth();

  @TempDir Path dir;

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  private Path pem(KeyPair keys) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded());
    Path file = Files.createTempFile(dir, "key", ".pem");
    Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
    return file;
  }

  @Test
  void anHs256TokenGivesItsSubjectGrantsAndExpiry() {
    Instant expiry = Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));

    VerifiedToken token = verifier.verify(Tokens.forSubject("alice").subscribe("orders.>").expiresAt(expiry).hs256(SECRET));

    assertThat(token.subject()).contains("alice");
    assertThat(token.expiresAt()).contains(expiry);
    assertThat(token.grants().canSubscribe(ChannelPattern.of("orders.*"))).isTrue();
  }

  @Test
  void rs256AndEs256TokensVerifyAgainstAPemPublicKey() throws Exception {
    KeyPair rsa = rsa();
    KeyPair ec = ec("secp256r1");

    assertThat(TokenVerifier.of(OFF.withPublicKey(pem(rsa))).verify(Tokens.forSubject("r").rs256(rsa)).subject()).contains("r");
    assertThat(TokenVerifier.of(OFF.withPublicKey(pem(ec))).verify(Tokens.forSubject("e").es256(ec)).subject()).contains("e");
  }

  @Test
  void aTokenSignedWithTheWrongKeyPairIsRefused() throws Exception {
    TokenVerifier verifier = TokenVerifier.of(OFF.withPublicKey(pem(rsa())));

    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("x").rs256(rsa()))).hasMessageContaining("signature does not verify");
  }

  /** The classic key confusion: the public key, which anyone may know, used as an HMAC secret. */
  @Test
  void anHmacTokenSignedWithThePublicKeyIsRefusedByAnRsaServer() throws Exception {
    KeyPair rsa = rsa();
    TokenVerifier verifier = TokenVerifier.of(OFF.withPublicKey(pem(rsa)));
    String publicKeyAsSecret = Files.readString(pem(rsa));

    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("x").hs256(publicKeyAsSecret)))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("algorithm \"HS256\" is not accepted; this server accepts RS256");
  }

  @Test
  void aJwksFileSuppliesKeysByKeyId() throws Exception {
    KeyPair rsa = rsa();
    RSAKey jwk = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("k1").build();
    Path file = dir.resolve("keys.json");
    Files.writeString(file, new JWKSet(jwk).toString());

    TokenVerifier verifier = TokenVerifier.of(OFF.withJwks(file));

    assertThat(verifier.verify(Tokens.forSubject("j").rs256(rsa)).subject()).contains("j");
  }

  @Test
  void issuerAndAudienceAreEnforcedWhenConfigured() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET).withIssuerAndAudience(Optional.of("https://id.example"), Optional.of("hub")));

    assertThat(verifier.verify(Tokens.forSubject("a").claim("iss", "https://id.example").claim("aud", "hub").hs256(SECRET)).subject())
        .contains("a");
    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").claim("iss", "https://evil.example").claim("aud", "hub").hs256(SECRET)))
        .hasMessageContaining("(iss)");
    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").claim("iss", "https://id.example").claim("aud", "other").hs256(SECRET)))
        .hasMessageContaining("(aud)");
    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").claim("iss", "https://id.example").hs256(SECRET)))
        .hasMessageContaining("(aud)");
  }

  @Test
  void expiryAndNotBeforeAllowOnlyTheConfiguredSkew() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));

    assertThat(verifier.verify(Tokens.forSubject("a").expiresAt(Instant.now().minusSeconds(2)).hs256(SECRET)).subject()).contains("a");
    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").expiresAt(Instant.now().minusSeconds(30)).hs256(SECRET)))
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").notBefore(Instant.now().plusSeconds(30)).hs256(SECRET)))
        .hasMessageContaining("not valid yet");
  }

  @Test
  void malformedGrantsRefuseTheWholeToken() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));

    assertThatThrownBy(() -> verifier.verify(Tokens.forSubject("a").grants(Map.of("subscribe", List.of("orders..x"))).hs256(SECRET)))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("switchboard.subscribe");
  }

  /** Found by TokenPropertiesTest: Nimbus failed on this header with a NullPointerException, which would have been a 500. */
  @Test
  void aTokenWhoseHeaderIsJsonNullIsRefusedAsMalformed() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));
    String nullHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("null".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> verifier.verify(nullHeader + ".e30.c2ln")).isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("not a well-formed JWT");
  }

  /** Found by TokenPropertiesTest: the algorithm is the sender's text, and came back in the message unquoted, control characters and all. */
  @Test
  void anAlgorithmNameWithControlCharactersIsQuotedInTheRefusal() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS\\u0001\\n56\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> verifier.verify(header + ".e30.c2ln")).isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("algorithm \"HS\\u0001\\u000a56\"")
        .hasMessageNotContaining("\n");
  }

  /** Found by TokenPropertiesTest: Nimbus's decoder skips characters outside base64url, so these passed as the token itself. */
  @Test
  void aSignedTokenWithAnyCharacterOutsideBase64UrlIsRefused() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));
    String token = Tokens.forSubject("a").hs256(SECRET);

    for (String altered : List.of(token + " ", token.substring(0, 10) + " " + token.substring(10), token + "=", token.replace('.', ' '))) {
      assertThatThrownBy(() -> verifier.verify(altered)).as(altered).isInstanceOf(InvalidTokenException.class);
    }
  }

  @Test
  void anOverlongTokenIsRefusedUnread() {
    TokenVerifier verifier = TokenVerifier.of(OFF.withSecret(SECRET));

    assertThatThrownBy(() -> verifier.verify("x".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1))).hasMessageContaining("longer than");
  }

  @Test
  void keysThatCannotBeUsedStopTheStartWithAReason() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    Path p384 = pem(ec("secp384r1"));
    Path badJwks = Files.writeString(dir.resolve("bad.json"), "{\"keys\": 7}");

    assertThatThrownBy(() -> TokenVerifier.of(OFF.withSecret(SECRET).withPublicKey(p384))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("exactly one of");
    assertThatThrownBy(() -> TokenVerifier.of(OFF.withPublicKey(missing))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> TokenVerifier.of(OFF.withPublicKey(notPem))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("no PEM public key");
    assertThatThrownBy(() -> TokenVerifier.of(OFF.withPublicKey(p384))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> TokenVerifier.of(OFF.withJwks(badJwks))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("not a JSON Web Key Set");
  }
}

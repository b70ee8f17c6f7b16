package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.server.config.Settings;
import io.switchboard.server.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a stranger presents as a token is either verified or refused with
 * {@link InvalidTokenException} (401) whose message is safe to show, never anything else; and no
 * token that was not signed with the server's key is ever accepted.
 */
class TokenPropertiesTest {
  private static final String SECRET = "a-property-test-secret-of-32-bytes!";
  private static final TokenVerifier VERIFIER = TokenVerifier.of(Settings.defaults().auth().withSecret(SECRET));
  private static final String SIGNED = Tokens.forSubject("x").subscribe(">").hs256(SECRET);

  /**
   * Text, including a signed token one character off: refused cleanly, unless the change left the
   * token's bytes as they were (the last base64url character carries bits that decode to nothing).
   */
  @Property(tries = 300)
  void anyTextIsRefusedCleanlyUnlessItIsTheSignedTokenItself(@ForAll("tokenText") String text) {
    try {
      VERIFIER.verify(text);
    } catch (InvalidTokenException refused) {
      assertThat(refused.getMessage()).hasSizeLessThan(600).matches("[\\x20-\\x7e]+");
      return;
    }
    assertThat(decodedParts(text)).as("an accepted token decodes to the signed one").isEqualTo(decodedParts(SIGNED));
  }

  /** Three dot-separated parts whose header and claims are JSON of any shape: what a forger builds by hand. */
  @Property(tries = 300)
  void forgedJwtsAreRefusedCleanly(@ForAll("forgedJwts") String token) {
    try {
      VERIFIER.verify(token);
    } catch (InvalidTokenException refused) {
      assertThat(refused.getMessage()).hasSizeLessThan(600).matches("[\\x20-\\x7e]+");
      return;
    }
    throw new AssertionError("a forged token was accepted: " + token);
  }

  /** Correctly signed tokens whose grants claim has any shape: verified with exactly those grants, or refused cleanly. */
  @Property(tries = 200)
  void signedTokensWithAnyGrantsClaimVerifyOrAreRefusedCleanly(@ForAll("grantClaims") Object claim) {
    String token = Tokens.forSubject("p").claim("switchboard", claim).hs256(SECRET);
    try {
      VerifiedToken verified = VERIFIER.verify(token);
      assertThat(verified.subject()).contains("p");
    } catch (InvalidTokenException refused) {
      assertThat(refused.getMessage()).hasSizeLessThan(600).matches("[\\x20-\\x7e]+");
    }
  }

  @Provide
  Arbitrary<String> tokenText() {
    return Arbitraries.oneOf(HostileInput.text(), HostileInput.oneOff(Arbitraries.just(SIGNED)));
  }

  @Provide
  Arbitrary<String> forgedJwts() {
    Arbitrary<String> headers = Arbitraries.of("{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"crit\":[\"x\"]}",
        "{\"alg\":\"RS256\"}", "{\"alg\":\"ES256\",\"kid\":\"k\"}", "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:9/\"}", "{\"alg\":7}",
        "{}", "[]", "null", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "not json");
    Arbitrary<String> claims = Arbitraries.of("{\"sub\":\"x\",\"switchboard\":{\"admin\":true}}", "{\"exp\":\"soon\"}", "{\"nbf\":-1}", "[1,2]",
        "{\"switchboard\":\"all\"}", "{}", "");
    Arbitrary<String> signatures = Arbitraries.oneOf(Arbitraries.of("", "AAAA", "sig"),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(bytes -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    return Combinators.combine(headers, claims, signatures)
        .as((header, body, signature) -> base64(header) + "." + base64(body) + "." + signature);
  }

  @Provide
  Arbitrary<Object> grantClaims() {
    Arbitrary<Object> patterns = HostileInput.text().list().ofMaxSize(4).map(list -> (Object) list);
    Arbitrary<Object> scalars = Arbitraries.oneOf(HostileInput.text().map(text -> (Object) text), Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(true, false).map(b -> (Object) b));
    Arbitrary<String> fields = Arbitraries.of("publish", "subscribe", "jobs", "admin", "submit", "work", "other");
    Arbitrary<Object> values = Arbitraries.oneOf(patterns, scalars, fields.map(name -> (Object) Map.of(name, List.of("q"))));
    return Arbitraries.maps(fields, values).ofMaxSize(5).map(map -> (Object) map);
  }

  private static List<String> decodedParts(String token) {
    return java.util.Arrays.stream(token.split("\\.", -1))
        .map(part -> java.util.Arrays.toString(Base64.getUrlDecoder().decode(part)))
        .toList();
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

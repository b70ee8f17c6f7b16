package io.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With auth.query-token off, a token in the URL is refused rather than ignored, so the client learns why. */
class QueryTokenOffTest {
  private static final String SECRET = AuthMatrixTest.SECRET;

  @RegisterExtension
  static final ServerFixture server = ServerFixture.with(settings -> settings.withAuth(settings.auth().withSecret(SECRET).withQueryToken(false)));

  @Test
  void aTokenInTheUrlIsRefusedSayingWhereToPutIt() {
    String channel = ServerFixture.uniqueChannel("no-url");
    String token = Tokens.forSubject("a").subscribe(channel).hs256(SECRET);

    assertThat(server.api().read(channel, "access_token=" + token).expectProblem(401)).contains("auth.query-token").contains("Bearer");
    server.api().read(channel, "", "Authorization", "Bearer " + token).expect(200);
  }
}

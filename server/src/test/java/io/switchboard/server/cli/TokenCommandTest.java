package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.ServerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code token} mints what a server with auth.secret accepts, and the client commands present it with {@code --token}. */
class TokenCommandTest {
  private static final String SECRET = "a-cli-test-secret-of-32-bytes-or-more";

  private static SwitchboardServer server;
  private static String url;

  @TempDir static Path dir;
  private static Path secretFile;

  @BeforeAll
  static void startServer() throws IOException {
    server = SwitchboardServer.start(ServerFixture.testDefaults().withAuth(ServerFixture.testDefaults().auth().withSecret(SECRET)));
    url = "http://127.0.0.1:" + server.port();
    secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  private static String token(String... grants) {
    List<String> args = new java.util.ArrayList<>(List.of("token", "--secret-file", secretFile.toString(), "--subject", "cli"));
    args.addAll(List.of(grants));
    CommandRun run = CommandRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run.out().strip();
  }

  @Test
  void aMintedTokenOpensWhatItGrantsAndNothingElse() {
    String token = token("--publish", "cli.>", "--subscribe", "cli.>", "--expires", "5m");

    CommandRun published = CommandRun.of("publish", "--url", url, "--token", token, "cli.orders", "hello");
    CommandRun refused = CommandRun.of("publish", "--url", url, "--token", token, "other.orders", "hello");
    CommandRun anonymous = CommandRun.of("publish", "--url", url, "cli.orders", "hello");

    assertThat(published.exitCode()).as(published.err()).isZero();
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("403").contains("publish to channel other.orders");
    assertThat(anonymous.err()).contains("401");
  }

  @Test
  void aRefusedEventStreamSaysWhy() {
    CommandRun refused = CommandRun.of("subscribe", "--url", url, "--via", "sse", "cli.private");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("401 Unauthorized").contains("a token is needed to read channel cli.private");
  }

  @Test
  void jobGrantsTravelInTheClaimToo() {
    String token = token("--submit", "cli-images", "--work", "cli-images");

    CommandRun submitted = CommandRun.of("job", "submit", "--url", url, "--token", token, "cli-images", "cat.jpg");

    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    assertThat(submitted.out()).contains("\"queued\"");
  }

  @Test
  void badGrantsOrASecretTooShortAreUsageErrors() throws IOException {
    Path shortSecret = Files.writeString(dir.resolve("short"), "too-short");

    CommandRun badPattern = CommandRun.of("token", "--secret-file", secretFile.toString(), "--subject", "x", "--subscribe", "a..b");
    CommandRun badExpiry = CommandRun.of("token", "--secret-file", secretFile.toString(), "--subject", "x", "--expires", "soon");
    CommandRun tooShort = CommandRun.of("token", "--secret-file", shortSecret.toString(), "--subject", "x");

    assertThat(badPattern.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badPattern.err()).contains("a..b");
    assertThat(badExpiry.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badExpiry.err()).contains("--expires soon");
    assertThat(tooShort.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooShort.err()).contains("at least 32 bytes");
  }
}

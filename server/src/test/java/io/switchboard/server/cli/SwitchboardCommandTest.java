package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line without a server: usage, help and settings errors. Settings errors must stop
 * {@code serve} before it listens, with exit code 2 and one line on standard error.
 */
class SwitchboardCommandTest {

  @Test
  void servingWithAPortThatIsNotANumberExitsWithUsageErrorAndOneLine() {
    CommandRun run = CommandRun.of("serve", "--port", "abc");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("switchboard: invalid setting port")
        .contains("\"abc\"")
        .contains("flag --port");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void servingWithAnUnknownEngineExitsWithUsageErrorNamingTheEngineSetting() {
    CommandRun run = CommandRun.of("serve", "--engine", "nope");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("switchboard: invalid setting engine")
        .contains("nope")
        .contains("memory");
  }

  @Test
  void servingWithAMissingConfigFileExitsWithUsageError() {
    CommandRun run = CommandRun.of("serve", "--config", "/nonexistent/switchboard.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("switchboard: invalid setting config")
        .contains("/nonexistent/switchboard.yaml");
  }

  @Test
  void servingWithABadMessageSizeExitsWithUsageError() {
    CommandRun run = CommandRun.of("serve", "--max-message-size", "1MB");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().startsWith("switchboard: invalid setting max-message-size");
  }

  @Test
  void topLevelHelpListsTheSubcommands() {
    CommandRun run = CommandRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("serve", "publish", "read", "--help", "--version");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void serveHelpMentionsItsOptionsAndTheEnvironment() {
    CommandRun run = CommandRun.of("serve", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--port", "--host", "--config", "--engine", "--data-dir", "--max-message-size", "SWITCHBOARD_PORT");
  }

  @Test
  void publishHelpMentionsItsArgumentsAndOptions() {
    CommandRun run = CommandRun.of("publish", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("CHANNEL", "DATA", "--url", "--event", "--idempotency-key");
  }

  @Test
  void readHelpMentionsItsOptions() {
    CommandRun run = CommandRun.of("read", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("CHANNEL", "--after", "--from", "--wait", "--limit", "--json", "--url");
  }

  @Test
  void helpSubcommandShowsTheHelpOfAnotherCommand() {
    CommandRun run = CommandRun.of("help", "read");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--after");
  }

  @Test
  void versionIsPrinted() {
    CommandRun run = CommandRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("switchboard ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"publish", "read", "nonsense", "serve --no-such-flag", "read x --wait abc"})
  void wrongUsageExitsWithUsageErrorAndPointsToHelp(String args) {
    CommandRun run = CommandRun.of(args.split(" "));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).first().asString().startsWith("switchboard: ");
    assertThat(run.err()).contains("--help' for usage.");
  }
}

package io.switchboard.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.SwitchboardServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every shell example of docs/api.md, and of docs/jobs.md, in order, in one bash session per
 * document against a real server, and checks each status code the documentation promises after
 * {@code # →}. Needs curl and jq, which .ci/run installs.
 */
class DocumentedExamplesTest {
  private static final Path API_DOC = Path.of("..", "docs", "api.md");
  private static final Path JOBS_DOC = Path.of("..", "docs", "jobs.md");
  /** The secret jobs.md tells the reader to start the server with, so that its callback example is accepted. */
  private static final String WEBHOOK_SECRET = "a-long-random-secret";
  private static final Pattern SHELL_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CHECKED = Pattern.compile("^(.*\\S)\\s+# → (\\d{3})$");

  private SwitchboardServer server;

  @BeforeEach
  void startServer() {
    server = SwitchboardServer.start(ServerFixture.testDefaults().withJobs(ServerFixture.testDefaults().jobs().withWebhookSecret(WEBHOOK_SECRET)));
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  @Test
  void everyExampleInTheApiDocumentationAnswersWithItsDocumentedStatus(@TempDir Path work) throws Exception {
    runExamples(API_DOC, work, /* atLeast= */ 20);
  }

  @Test
  void everyExampleInTheJobsGuideAnswersWithItsDocumentedStatus(@TempDir Path work) throws Exception {
    assertThat(Files.readString(JOBS_DOC)).as("jobs.md names the secret this test starts the server with").contains(WEBHOOK_SECRET);
    runExamples(JOBS_DOC, work, /* atLeast= */ 15);
  }

  private void runExamples(Path document, Path work, int atLeast) throws Exception {
    List<String> lines = shellLines(Files.readString(document));
    StringBuilder script = new StringBuilder("set -u\ncd '" + work + "'\n");
    int checks = 0;
    for (String line : lines) {
      String local = line.replace("http://localhost:8080", "http://127.0.0.1:" + server.port());
      Matcher checked = CHECKED.matcher(local);
      if (checked.matches()) {
        checks++;
        String command = checked.group(1);
        String expected = checked.group(2);
        script.append("code=$(").append(command).append(" -s -o /dev/null -w '%{http_code}')\n")
            .append("if [ \"$code\" != ").append(expected).append(" ]; then echo \"expected ").append(expected)
            .append(", got $code: ").append(command.replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`"))
            .append("\" >&2; exit 1; fi\n");
      } else {
        script.append(local).append('\n');
      }
    }
    assertThat(checks).as("examples with a documented status in %s", document).isGreaterThanOrEqualTo(atLeast);

    Path scriptFile = work.resolve("examples.sh");
    Files.writeString(scriptFile, script);
    Process bash = new ProcessBuilder("bash", scriptFile.toString()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(90, TimeUnit.SECONDS)).as("examples finish").isTrue();
    assertThat(bash.exitValue()).as("examples script output:%n%s", output).isZero();
  }

  private static List<String> shellLines(String markdown) throws IOException {
    List<String> lines = new ArrayList<>();
    Matcher block = SHELL_BLOCK.matcher(markdown);
    while (block.find()) {
      block.group(1).lines().filter(line -> !line.isBlank()).forEach(lines::add);
    }
    return lines;
  }
}

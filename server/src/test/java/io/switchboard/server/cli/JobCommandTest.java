package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.ServerFixture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code job submit|status|work}, run in-process against a real server on a random port. */
class JobCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger QUEUES = new AtomicInteger();

  private static SwitchboardServer server;
  private static String url;

  @BeforeAll
  static void startServer() {
    server = SwitchboardServer.start(ServerFixture.testDefaults());
    url = "--url=http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  private static String freshQueue() {
    return "cli-jobs" + QUEUES.incrementAndGet();
  }

  private static JsonNode submit(String queue, String data, String... more) throws IOException {
    String[] args = new String[5 + more.length];
    args[0] = "job";
    args[1] = "submit";
    args[2] = queue;
    args[3] = data;
    args[4] = url;
    System.arraycopy(more, 0, args, 5, more.length);
    CommandRun run = CommandRun.of(args);
    assertThat(run.exitCode()).as("submit exit code; stderr: %s", run.err()).isZero();
    return JSON.readTree(run.out());
  }

  @Test
  void workerRunsTheCommandWithTheDataOnStandardInputAndCompletesWithItsOutput() throws IOException {
    String queue = freshQueue();
    String id = submit(queue, "hello jobs").path("id").asText();

    CommandRun work = CommandRun.of("job", "work", queue, url, "--max-jobs=1", "--", "tr", "a-z", "A-Z");
    assertThat(work.exitCode()).as("stderr: %s", work.err()).isZero();
    assertThat(work.outLines()).singleElement().asString().startsWith(id + " succeeded");

    CommandRun status = CommandRun.of("job", "status", id, url);
    assertThat(status.exitCode()).isZero();
    assertThat(JSON.readTree(status.out()).path("result").asText()).isEqualTo("HELLO JOBS");
  }

  @Test
  void failingCommandFailsTheJobWithItsErrorAndStatusExitsOne() throws IOException {
    String queue = freshQueue();
    String id = submit(queue, "x", "--attempts=1").path("id").asText();

    CommandRun work = CommandRun.of("job", "work", queue, url, "--exit-when-empty", "--", "sh", "-c", "echo broken >&2; exit 3");
    assertThat(work.exitCode()).as("stderr: %s", work.err()).isZero();
    assertThat(work.outLines()).singleElement().asString().contains(id + " failed").contains("exit status 3");

    CommandRun status = CommandRun.of("job", "status", id, url);
    assertThat(status.exitCode()).as("a failed job exits 1").isEqualTo(1);
    assertThat(JSON.readTree(status.out()).path("error").asText()).isEqualTo("broken\n");
  }

  @Test
  void workerExtendsItsOwnLeaseWhileTheCommandRunsLongerThanIt() throws IOException {
    String queue = freshQueue();
    String id = submit(queue, "slow").path("id").asText();

    CommandRun work = CommandRun.of("job", "work", queue, url, "--max-jobs=1", "--lease=1", "--", "sh", "-c", "sleep 2.5; echo done");
    assertThat(work.exitCode()).as("stderr: %s", work.err()).isZero();
    assertThat(work.outLines()).singleElement().asString().startsWith(id + " succeeded (attempt 1");
  }

  @Test
  void submitWithWaitPrintsTheEndedJob() throws Exception {
    String queue = freshQueue();
    CompletableFuture<CommandRun> worker = CompletableFuture.supplyAsync(
        () -> CommandRun.of("job", "work", queue, url, "--max-jobs=1", "--", "cat"));

    JsonNode job = submit(queue, "echo me", "--wait=30");
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
    assertThat(job.path("result").asText()).isEqualTo("echo me");
    assertThat(worker.get(30, TimeUnit.SECONDS).exitCode()).isZero();
  }

  @Test
  void badQueueAndUnknownJobAreReportedOnStandardErrorWithExitOne() {
    CommandRun badQueue = CommandRun.of("job", "submit", "no spaces", "x", url);
    assertThat(badQueue.exitCode()).isEqualTo(1);
    assertThat(badQueue.err()).contains("400").contains("invalid queue name");

    CommandRun unknown = CommandRun.of("job", "status", "AAAAAAAAAAAAAAAAAAAAAA", url);
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("404").contains("there is no job");
  }
}

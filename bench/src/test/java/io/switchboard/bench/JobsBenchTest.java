package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke test: one second of jobs against a real server, then the drain and the check; not a measurement. */
class JobsBenchTest {
  private static SwitchboardServer server;

  @BeforeAll
  static void startServer(@TempDir Path dataDir) {
    server = SwitchboardServer.start(Settings.defaults().withPort(0).withEngine("memory", dataDir));
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @Test
  void aOneSecondRunCompletesEveryAcceptedJobOnceAndWritesItAsJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    StringWriter out = new StringWriter();

    int status = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute("jobs",
        "--url", "http://127.0.0.1:" + server.port(), "--submitters", "2", "--workers", "3", "--queues", "2",
        "--warmup", "0", "--duration", "1", "--json", json.toString());

    assertThat(status).as(out.toString()).isEqualTo(BenchCommand.OK);
    assertThat(out.toString()).contains("jobs/s", "submit→complete", "claim+complete", "verified: ");
    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getLong("completed")).isPositive();
    assertThat(report.getDouble("jobsPerSecond")).isEqualTo(report.getLong("completed") / 1.0);
    assertThat(report.getLong("errors")).isZero();
    assertThat(report.getJsonObject("latencyMicros").getLong("p50")).isPositive();
    JsonObject verification = report.getJsonObject("verification");
    assertThat(verification.getBoolean("verified")).isTrue();
    assertThat(verification.getLong("lost")).isZero();
    assertThat(verification.getLong("duplicated")).isZero();
    assertThat(verification.getLong("completed")).isEqualTo(verification.getLong("accepted"));
    JsonObject queues = verification.getJsonObject("queuesAtEnd");
    assertThat(queues.getLong("succeeded")).isEqualTo(verification.getLong("accepted"));
    assertThat(queues.getLong("queued") + queues.getLong("running")).isZero();
  }

  @Test
  void aJobTooSmallToCarryItsSubmitTimeIsRefusedBeforeAnyRequest() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "jobs", "--url", "http://127.0.0.1:" + server.port(), "--size", "10", "--duration", "1");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--size 10 is less than " + JobData.MAX_HEADER_LENGTH);
  }

  @Test
  void nchanIsRefusedForItHasNoJobQueues() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "jobs", "--target", "nchan", "--duration", "1");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--target nchan has no job queues");
  }

  @Test
  void moreQueuesThanWorkersAreRefused() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "jobs", "--url", "http://127.0.0.1:" + server.port(), "--submitters", "4", "--workers", "2", "--queues", "3");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--queues 3 is outside 1..2");
  }
}

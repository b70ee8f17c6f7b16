package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A smoke test: a few idle connections held for a second against a server in this JVM; not a measurement. */
class IdleBenchTest {
  private static SwitchboardServer server;

  @BeforeAll
  static void startServer(@TempDir Path dataDir) {
    server = SwitchboardServer.start(Settings.defaults().withPort(0).withEngine("memory", dataDir));
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sse", "ws", "long-poll"})
  void idleConnectionsStayOpenWhileHeldAndTheServersMemoryIsRead(String via, @TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    StringWriter out = new StringWriter();

    int status = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute("idle",
        "--url", "http://127.0.0.1:" + server.port(), "--via", via, "--connections", "5", "--channels", "2",
        "--server-pid", Long.toString(ProcessHandle.current().pid()), "--warmup", "0", "--duration", "1",
        "--json", json.toString());

    assertThat(status).as(out.toString()).isEqualTo(BenchCommand.OK);
    assertThat(out.toString()).contains("bytes/conn", "passed");
    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getLong("subscribed")).isEqualTo(5);
    assertThat(report.getLong("endedWhileOpen")).isZero();
    assertThat(report.getLong("errors")).isZero();
    assertThat(report.getLong("residentBytesOpen")).isPositive();
  }

  @Test
  void severalServerProcessesAreReadAndTheirMemorySummed(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    StringWriter out = new StringWriter();
    long self = ProcessHandle.current().pid();

    int status = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute("idle",
        "--url", "http://127.0.0.1:" + server.port(), "--connections", "2",
        "--server-pid", self + "," + self, "--warmup", "0", "--duration", "1", "--json", json.toString());

    assertThat(status).as(out.toString()).isEqualTo(BenchCommand.OK);
    assertThat(out.toString()).contains("server pid(s) " + self + "," + self, "summed over 2 process(es)");
    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getJsonArray("serverPids")).hasSize(2);
    assertThat(report.getLong("residentBytesOpen")).isGreaterThan(new ServerProcess(List.of(self)).residentBytes());
    assertThat(report.getValue("proportionalBytesPerConnection")).isNotNull();
  }
}

package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Smoke tests: a second of fan-out and of many channels against a real server, checked for loss; not measurements. */
class DeliveryBenchTest {
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
  void aOneSecondFanoutDeliversEveryMessageToEverySubscriberOnceAndInOrder(String via, @TempDir Path dir) throws Exception {
    JsonObject report = run(dir, "fanout", "--via", via, "--subscribers", "4", "--rate", "50");

    assertThat(report.getLong("subscribed")).isEqualTo(4);
    assertThat(report.getLong("published")).isPositive();
    assertThat(report.getLong("deliveries")).isPositive();
    assertThat(report.getJsonObject("latencyMicros").getLong("count")).isEqualTo(4 * report.getLong("published"));
    assertDeliveredExactlyOnceInOrder(report);
  }

  @Test
  void aOneSecondRunOnManyChannelsDeliversEachChannelsMessagesToItsSubscriber(@TempDir Path dir) throws Exception {
    JsonObject report = run(dir, "channels", "--subscribers", "5", "--tick-rate", "20", "--publishers", "2");

    assertThat(report.getLong("subscribed")).isEqualTo(5);
    assertThat(report.getLong("published")).isPositive();
    assertThat(report.getJsonObject("latencyMicros").getLong("count")).isEqualTo(report.getLong("published"));
    assertDeliveredExactlyOnceInOrder(report);
  }

  @Test
  void withTheServersPidTheReportGivesItsCpuOverTheCountedWindowPerDelivery(@TempDir Path dir) throws Exception {
    // The server runs in this process, so its pid is this JVM's.
    JsonObject report = run(dir, "fanout", "--subscribers", "4", "--rate", "50",
        "--server-pid", Long.toString(ProcessHandle.current().pid()));

    JsonObject cpu = report.getJsonObject("serverCpu");
    assertThat(cpu.getDouble("cores")).isGreaterThanOrEqualTo(0);
    assertThat(cpu.getDouble("microsPerDelivery"))
        .isCloseTo(cpu.getDouble("cores") / report.getDouble("deliveriesPerSecond") * 1e6, within(1e-6));
  }

  @Test
  void withoutTheServersPidTheReportMeasuresNoServerCpu(@TempDir Path dir) throws Exception {
    JsonObject report = run(dir, "fanout", "--subscribers", "2", "--rate", "20");

    assertThat(report.containsKey("serverCpu")).isFalse();
  }

  @Test
  void aMessageTooSmallToCarryItsSequenceAndTimeIsRefusedBeforeAnyConnection() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "fanout", "--url", "http://127.0.0.1:" + server.port(), "--size", "10");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--size 10 is less than " + MessageData.MAX_HEADER_LENGTH);
  }

  @Test
  void moreSubscribersThanFileDescriptorsAllowAreRefusedWithTheLimit() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "fanout", "--url", "http://127.0.0.1:" + server.port(), "--subscribers", "100000");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--subscribers 100000 needs about", "ulimit -n");
  }

  @Test
  void anUnknownTransportIsRefused() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "channels", "--url", "http://127.0.0.1:" + server.port(), "--via", "carrier-pigeon");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--via \"carrier-pigeon\" is not one of sse, ws, long-poll");
  }

  private static JsonObject run(Path dir, String bench, String... options) throws Exception {
    Path json = dir.resolve("report.json");
    StringWriter out = new StringWriter();
    String[] common = {bench, "--url", "http://127.0.0.1:" + server.port(), "--warmup", "0", "--duration", "1",
        "--json", json.toString()};
    String[] args = new String[common.length + options.length];
    System.arraycopy(common, 0, args, 0, common.length);
    System.arraycopy(options, 0, args, common.length, options.length);

    int status = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute(args);

    assertThat(status).as(out.toString()).isEqualTo(BenchCommand.OK);
    assertThat(out.toString()).contains("deliveries/s", "lost", "reordered", "passed");
    return new JsonObject(Files.readString(json));
  }

  private static void assertDeliveredExactlyOnceInOrder(JsonObject report) {
    assertThat(report.getLong("lost")).isZero();
    assertThat(report.getLong("duplicated")).isZero();
    assertThat(report.getLong("reordered")).isZero();
    assertThat(report.getLong("errors")).isZero();
    assertThat(report.getBoolean("drained")).isTrue();
    assertThat(report.getBoolean("passed")).isTrue();
  }
}

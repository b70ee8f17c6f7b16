package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke test: one second of publishing against a real server, not a measurement. */
class PublishBenchTest {
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
  void aOneSecondRunCountsCreatedMessagesAndWritesThemAsJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    StringWriter out = new StringWriter();

    int status = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute("publish",
        "--url", "http://127.0.0.1:" + server.port(), "--publishers", "2", "--channels", "2",
        "--warmup", "0", "--duration", "1", "--json", json.toString());

    assertThat(status).isEqualTo(BenchCommand.OK);
    assertThat(out.toString()).contains("requests/s", "p99.9 ms");
    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getLong("created")).isPositive();
    assertThat(report.getLong("errors")).isZero();
    assertThat(report.getDouble("requestsPerSecond")).isEqualTo(report.getLong("created") / 1.0);
    assertThat(report.getJsonObject("latencyMicros").getLong("p50")).isPositive();
  }

  @Test
  void withTargetNchanItPublishesToPubPathsAndCountsTheir202sAsAccepted(@TempDir Path dir) throws Exception {
    // A stand-in for Nchan's publisher location: 202 Accepted for /pub/{id} (nobody subscribed), 404 otherwise.
    Vertx vertx = Vertx.vertx();
    Set<String> paths = ConcurrentHashMap.newKeySet();
    HttpServer nchan = vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          paths.add(request.method() + " " + request.path());
          request.response().setStatusCode(request.path().matches("/pub/\\w+") ? 202 : 404).end("queued messages: 1\n");
        }))
        .listen(0, "127.0.0.1").await();
    try {
      Path json = dir.resolve("report.json");

      int status = BenchCommand.commandLine().setOut(new PrintWriter(new StringWriter())).execute("publish",
          "--target", "nchan", "--url", "http://127.0.0.1:" + nchan.actualPort(), "--publishers", "2",
          "--channels", "2", "--warmup", "0", "--duration", "1", "--json", json.toString());

      assertThat(status).isEqualTo(BenchCommand.OK);
      assertThat(paths).containsExactlyInAnyOrder("POST /pub/bench0", "POST /pub/bench1");
      JsonObject report = new JsonObject(Files.readString(json));
      assertThat(report.getString("target")).isEqualTo("nchan");
      assertThat(report.getLong("created")).isPositive();
      assertThat(report.getLong("errors")).isZero();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void anUnknownTargetIsRefusedBeforeAnyRequest() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "publish", "--target", "mosquitto", "--duration", "1");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--target \"mosquitto\" is not one of switchboard, nchan");
  }

  @Test
  void aTargetOffThisMachineIsRefusedBeforeAnyRequest() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute(
        "publish", "--url", "http://192.0.2.1:8080", "--duration", "1");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("192.0.2.1 is not a loopback address");
  }

  @Test
  void optionsWithoutABenchNameAreRefusedWithAHintToNameOne() {
    StringWriter err = new StringWriter();

    int status = BenchCommand.commandLine().setErr(new PrintWriter(err, true)).execute("--publishers", "64");

    assertThat(status).isEqualTo(BenchCommand.USAGE);
    assertThat(err.toString()).contains("--publishers", "switchboard-bench publish|jobs");
  }
}

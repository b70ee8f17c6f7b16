package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.SwitchboardServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code subscribe --via ...} prints history and then live messages as they arrive, for a channel
 * and for a pattern, on every transport; it ends when the server goes away.
 */
class SubscribeCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SwitchboardServer server;
  private String url;

  @BeforeEach
  void startServer() {
    server = SwitchboardServer.start(ServerFixture.testDefaults().withShutdownTimeout(Duration.ofSeconds(2)));
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  @ParameterizedTest(name = "--via {0} on {1}")
  @CsvSource({
    "sse, cli.sub.sse",
    "sse, cli.sub.*",
    "ws, cli.sub.ws",
    "ws, cli.sub.*",
    "long-poll, cli.sub.lp",
    "long-poll, cli.sub.>",
    "poll, cli.sub.poll",
  })
  void printsHistoryThenLiveMessagesUntilTheServerGoesAway(String via, String target) throws Exception {
    String channel = target.contains("*") || target.contains(">") ? "cli.sub.x" + via.replace("-", "") : target;
    publish(channel, "from history");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
      CommandLine commandLine = SwitchboardCommand.commandLine();
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(err, true));
      return commandLine.execute("subscribe", target, "--via", via, "--from", "earliest", "--url", url);
    });

    await("history printed").atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("from history"));
    publish("cli.other", "not for this subscription");
    publish(channel, "live one");
    await("live message printed").atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("live one"));

    assertThat(out.toString().lines().filter(line -> line.contains("from history"))).as("printed once; stderr: %s", err).hasSize(1);
    assertThat(out.toString()).doesNotContain("not for this subscription");
    server.stop();
    await("the command ends when the server goes away").atMost(Duration.ofSeconds(20)).until(running::isDone);
  }

  private void publish(String channel, String data) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/channels/" + channel + "/messages"))
        .POST(HttpRequest.BodyPublishers.ofString(data)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(201);
  }
}

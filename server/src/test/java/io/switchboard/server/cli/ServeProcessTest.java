package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does: {@code switchboard serve} as its own JVM, stopped with SIGTERM. Learns the
 * port from the start-up log line, so several runs never collide.
 */
class ServeProcessTest {
  private static final Pattern LISTENING = Pattern.compile("Switchboard listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sigtermAnswersHeldLongPollsThenStopsTheProcess() throws Exception {
    ServeProcess serve = ServeProcess.start(workDir, Map.of(), "serve", "--port", "0");
    try {
      int port = serve.awaitListeningPort();
      String base = "http://127.0.0.1:" + port;

      CompletableFuture<HttpResponse<String>> heldPoll = http.sendAsync(
          HttpRequest.newBuilder(URI.create(base + "/v1/channels/x/messages?wait=30")).timeout(Duration.ofSeconds(60)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      await("the long poll is held by the server").atMost(Duration.ofSeconds(10))
          .until(() -> longPollsWaitingOn(base, "x") == 1);

      HttpResponse<String> published = http.send(
          HttpRequest.newBuilder(URI.create(base + "/v1/channels/other/messages"))
              .POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).as("publish while a long poll is held: %s", published.body()).isEqualTo(201);
      assertThat(heldPoll).as("a publish on another channel does not answer the long poll").isNotDone();

      // SIGTERM. Not Process.destroy(): on Linux it also closes our end of the process's stderr,
      // and the shutdown log lines would be lost.
      assertThat(serve.process().toHandle().destroy()).as("SIGTERM sent").isTrue();

      HttpResponse<String> answered = heldPoll.get(5, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as("the held long poll is answered, not cut: %s", answered.body()).isEqualTo(200);
      assertThat(JSON.readTree(answered.body()).path("messages")).isEmpty();

      assertThat(serve.process().waitFor(15, TimeUnit.SECONDS)).as("the process exits within 15 s; stderr:%n%s", serve.stderr()).isTrue();
      assertThat(serve.process().exitValue()).as("exit after SIGTERM").isIn(0, 143);
      serve.awaitStderrClosed();
      assertThat(serve.stderr()).contains("shutting down").contains("stopped");
    } finally {
      serve.kill();
    }
  }

  @Test
  void serveOnAPortAlreadyInUseExitsWithFailureAndOneClearLine() throws Exception {
    try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(occupant.getLocalPort());
      ServeProcess serve = ServeProcess.start(workDir, Map.of(), "serve", "--port", port);
      try {
        assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).as("the process exits; stderr:%n%s", serve.stderr()).isTrue();
        serve.awaitStderrClosed();

        assertThat(serve.process().exitValue()).as("stderr:%n%s", serve.stderr()).isEqualTo(1);
        assertThat(serve.stderrLines()).singleElement().asString()
            .startsWith("switchboard: cannot start: cannot listen on ")
            .contains("127.0.0.1:" + port);
      } finally {
        serve.kill();
      }
    }
  }

  @Test
  void serveWithABadPortInTheEnvironmentExitsWithUsageErrorNamingTheVariable() throws Exception {
    ServeProcess serve = ServeProcess.start(workDir, Map.of("SWITCHBOARD_PORT", "abc"), "serve");
    try {
      assertThat(serve.process().waitFor(30, TimeUnit.SECONDS)).as("the process exits; stderr:%n%s", serve.stderr()).isTrue();
      serve.awaitStderrClosed();

      assertThat(serve.process().exitValue()).as("stderr:%n%s", serve.stderr()).isEqualTo(2);
      assertThat(serve.stderrLines()).singleElement().asString()
          .startsWith("switchboard: invalid setting port")
          .contains("\"abc\"")
          .contains("SWITCHBOARD_PORT");
    } finally {
      serve.kill();
    }
  }

  private int longPollsWaitingOn(String base, String channel) throws IOException, InterruptedException {
    HttpResponse<String> status = http.send(
        HttpRequest.newBuilder(URI.create(base + "/v1/channels/" + channel)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (status.statusCode() != 200) {
      return 0;
    }
    JsonNode body = JSON.readTree(status.body());
    return body.path("subscribers").path("long-poll").asInt();
  }

  /** A {@code switchboard} JVM whose standard error is collected line by line. */
  private record ServeProcess(Process process, List<String> stderrLines, Thread stderrReader) {
    static ServeProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(javaExecutable());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(SwitchboardCommand.class.getName());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      // The test's own environment must not leak settings into the server under test.
      builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
      builder.environment().putAll(env);
      Process process = builder.start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> collect(process, lines), "serve-process-stderr");
      reader.setDaemon(true);
      reader.start();
      return new ServeProcess(process, lines, reader);
    }

    private static String javaExecutable() {
      return ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void collect(Process process, List<String> lines) {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          lines.add(line);
        }
      } catch (IOException closedByKill) {
        // destroyForcibly() closes the stream under a reader that is still running; the lines
        // read so far are what the failure message shows.
        lines.add("[stderr no longer readable: " + closedByKill.getMessage() + "]");
      }
    }

    /** Waits for the start-up log line; fails at once if the process dies first. */
    int awaitListeningPort() {
      await("the listening log line").atMost(Duration.ofSeconds(30))
          .until(() -> listeningPort() != null || !process.isAlive());
      Integer port = listeningPort();
      assertThat(port).as("the server started; stderr:%n%s", stderr()).isNotNull();
      return port;
    }

    private Integer listeningPort() {
      for (String line : stderrLines) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          return Integer.valueOf(listening.group(1));
        }
      }
      return null;
    }

    /** After the process exited: waits until every line it wrote has been read. */
    void awaitStderrClosed() throws InterruptedException {
      stderrReader.join(Duration.ofSeconds(10).toMillis());
      assertThat(stderrReader.isAlive()).as("standard error is closed").isFalse();
    }

    String stderr() {
      return String.join(System.lineSeparator(), stderrLines);
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

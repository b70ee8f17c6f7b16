package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.cli.SwitchboardCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code switchboard serve ...} in a JVM of its own, as an operator runs it: the only way to
 * crash a server for real (SIGKILL) and to see exactly what start-up failures print.
 *
 * <p>Both output streams are read line by line on daemon threads; the port is learnt from the
 * start-up log line, so runs never collide. {@link #close()} kills the process whatever state it
 * is in, so a test that fails half-way leaves no server behind.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Switchboard listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_LIMIT = Duration.ofSeconds(30);

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  private ServeProcess(Process process) {
    this.process = process;
    this.stdoutReader = collect(process.getInputStream(), stdout, "serve-stdout");
    this.stderrReader = collect(process.getErrorStream(), stderr, "serve-stderr");
  }

  /** Runs {@code switchboard serve args...} with {@code workDir} as its working directory. */
  static ServeProcess serve(Path workDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    // Start-up speed over peak speed: these JVMs live for seconds.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SwitchboardCommand.class.getName());
    command.add("serve");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    // The test's own environment must not leak settings into the server under test.
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    try {
      return new ServeProcess(builder.start());
    } catch (IOException failed) {
      throw new AssertionError("cannot start " + command + ": " + failed, failed);
    }
  }

  Process process() {
    return process;
  }

  /** Waits for the start-up log line and returns its port; fails at once if the process dies first. */
  int awaitListeningPort() {
    await("the listening log line").atMost(START_LIMIT).pollInterval(Duration.ofMillis(20))
        .until(() -> listeningPort().isPresent() || !process.isAlive());
    Optional<Integer> port = listeningPort();
    assertThat(port).as("the server started; output:%n%s", output()).isPresent();
    return port.get();
  }

  /** Waits at most {@code bound} for the process to exit on its own and for both its streams to end. */
  boolean awaitExit(Duration bound) throws InterruptedException {
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    stdoutReader.join(Duration.ofSeconds(10).toMillis());
    stderrReader.join(Duration.ofSeconds(10).toMillis());
    return !stdoutReader.isAlive() && !stderrReader.isAlive();
  }

  /** SIGKILL: the process gets no chance to flush, close or say goodbye. */
  void killNine() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the killed process is gone").isTrue();
  }

  List<String> stderrLines() {
    return List.copyOf(stderr);
  }

  List<String> stdoutLines() {
    return List.copyOf(stdout);
  }

  /** Both streams, for failure messages. */
  String output() {
    return "stdout:" + System.lineSeparator() + String.join(System.lineSeparator(), stdout)
        + System.lineSeparator() + "stderr:" + System.lineSeparator() + String.join(System.lineSeparator(), stderr);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Optional<Integer> listeningPort() {
    for (List<String> lines : List.of(stderr, stdout)) {
      for (String line : lines) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          return Optional.of(Integer.valueOf(listening.group(1)));
        }
      }
    }
    return Optional.empty();
  }

  private static Thread collect(InputStream stream, List<String> lines, String name) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException closedByKill) {
        // destroyForcibly() closes the stream under a reader that is still running; what was read
        // so far is what a failure message shows.
      }
    }, name);
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}

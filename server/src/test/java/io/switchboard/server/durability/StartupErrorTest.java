package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard serve} with a data directory it cannot use stops at once, with exit code 1 and
 * one line on standard error that starts with {@code switchboard: cannot start:} and names the
 * directory: no stack trace for an operator to decipher, and nothing written where it does not
 * belong.
 */
class StartupErrorTest {
  /** A JVM starts in about a second here; a refusal must not wait for anything else. */
  private static final Duration QUICKLY = Duration.ofSeconds(15);
  private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at |Exception|\\bCaused by\\b|\\.java:\\d+");

  @TempDir Path workDir;

  @Test
  void dataDirThatIsARegularFileIsRefused() throws Exception {
    Path file = Files.writeString(workDir.resolve("data"), "not a directory");

    String line = assertRefusesToStart(file);

    assertThat(line).contains("not a directory");
    assertThat(Files.readString(file)).as("the file is left alone").isEqualTo("not a directory");
  }

  @Test
  void dataDirUnderARegularFileIsRefused() throws Exception {
    Path file = Files.writeString(workDir.resolve("blocker"), "a file where a directory would have to be");

    String line = assertRefusesToStart(file.resolve("data"));

    assertThat(line).contains("cannot create");
  }

  @Test
  void dataDirHoldingUnrelatedFilesIsRefusedAndLeftUntouched() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("photos"));
    Files.writeString(dir.resolve("holiday.jpg"), "jpeg bytes");
    Files.writeString(dir.resolve("notes.txt"), "remember the milk");
    Files.createDirectories(dir.resolve("2024")).resolve("march.jpg").toFile().createNewFile();
    Map<String, String> before = contents(dir);

    String line = assertRefusesToStart(dir);

    assertThat(line).contains("not a Switchboard store");
    assertThat(contents(dir)).as("nothing was created, changed or removed in someone else's directory").isEqualTo(before);
  }

  @Test
  void damagedStoreIsRefusedWithoutBeingRepairedOrReplaced() throws Exception {
    Path dir = workDir.resolve("data");
    SwitchboardServer server = ServerFixture.start(settings -> settings.withEngine("embedded", dir));
    try {
      new Api(server.port()).publishedId("damaged.store", "kept");
    } finally {
      server.stop();
    }
    List<Path> manifests;
    try (Stream<Path> files = Files.list(dir)) {
      manifests = files.filter(file -> file.getFileName().toString().startsWith("MANIFEST-")).toList();
    }
    assertThat(manifests).as("the store has a manifest to damage").isNotEmpty();
    byte[] garbage = "this is not a RocksDB manifest \u0000\u0001\u0002\u00ff".repeat(64).getBytes(StandardCharsets.ISO_8859_1);
    for (Path manifest : manifests) {
      Files.write(manifest, garbage);
    }
    Map<String, String> damaged = storeFiles(dir);

    String line = assertRefusesToStart(dir);

    assertThat(line).contains("damaged");
    assertThat(storeFiles(dir)).as("the damaged store is left as it was, for the operator to restore or move aside").isEqualTo(damaged);
  }

  @Test
  void dataDirInUseByARunningServerIsRefusedAndTheRunningServerCarriesOn() throws Exception {
    Path dir = workDir.resolve("data");
    SwitchboardServer running = ServerFixture.start(settings -> settings.withEngine("embedded", dir));
    try {
      Api api = new Api(running.port());
      String before = api.publishedId("in.use", "before");

      String line = assertRefusesToStart(dir);

      assertThat(line).contains("in use");
      String after = api.publishedId("in.use", "after");
      assertThat(api.readAll("in.use")).as("the running server's store is unharmed")
          .extracting(message -> message.path("id").asText()).containsExactly(before, after);
    } finally {
      running.stop();
    }
  }

  @Test
  void anAuthKeyThatCannotBeReadIsASettingsErrorNamingIt() throws Exception {
    Path missing = workDir.resolve("missing.pem");
    Path config = Files.writeString(workDir.resolve("switchboard.yaml"), "auth:\n  public-key: " + missing + "\n");
    try (ServeProcess serve = ServeProcess.serve(workDir, "--port", "0", "--engine", "memory", "--config", config.toString())) {
      assertThat(serve.awaitExit(QUICKLY)).as("the process exits within %s; %s", QUICKLY, serve.output()).isTrue();

      assertThat(serve.process().exitValue()).as("exit code; %s", serve.output()).isEqualTo(2);
      assertThat(serve.stderrLines().stream().filter(line -> !line.isBlank()).toList()).as("standard error").singleElement().asString()
          .startsWith("switchboard: invalid setting auth.public-key: cannot read")
          .contains(missing.toString());
    }
  }

  /**
   * Runs {@code switchboard serve} on {@code dataDir}, asserts it exits quickly with code 1 and
   * exactly one clean line on standard error naming the directory, and returns that line.
   */
  private String assertRefusesToStart(Path dataDir) throws Exception {
    String named = dataDir.toAbsolutePath().normalize().toString();
    try (ServeProcess serve = ServeProcess.serve(workDir, "--port", "0", "--engine", "embedded", "--data-dir", dataDir.toString())) {
      assertThat(serve.awaitExit(QUICKLY)).as("the process exits within %s; %s", QUICKLY, serve.output()).isTrue();

      assertThat(serve.process().exitValue()).as("exit code; %s", serve.output()).isEqualTo(1);
      List<String> errLines = serve.stderrLines().stream().filter(line -> !line.isBlank()).toList();
      assertThat(errLines).as("standard error").singleElement().asString()
          .startsWith("switchboard: cannot start:")
          .contains(named);
      List<String> all = new ArrayList<>(serve.stderrLines());
      all.addAll(serve.stdoutLines());
      assertThat(all).as("no stack trace or exception class on either stream").noneMatch(line -> STACK_TRACE.matcher(line).find());
      return errLines.get(0);
    }
  }

  /**
   * The store's own files: everything but RocksDB's informational log, which every attempt to open
   * the store rotates ({@code LOG} to {@code LOG.old.<time>}) before it finds the damage.
   */
  private static Map<String, String> storeFiles(Path dir) throws IOException {
    Map<String, String> files = contents(dir);
    files.keySet().removeIf(name -> name.equals("LOG") || name.startsWith("LOG.old."));
    return files;
  }

  /** Every file under {@code dir}, relative name to content, so that any change shows. */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> contents = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.toList()) {
        String name = dir.relativize(file).toString();
        contents.put(name, Files.isDirectory(file) ? "<dir>" : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    return contents;
  }
}

package io.switchboard.server.testing;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Switchboard on a random port, started once per test class and stopped after it:
 * {@code @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();}.
 * Tests share the server, so each one works on channels named by {@link #uniqueChannel}.
 */
public final class ServerFixture implements BeforeAllCallback, AfterAllCallback {
  private final UnaryOperator<Settings> customise;
  private SwitchboardServer server;
  private Api api;

  private ServerFixture(UnaryOperator<Settings> customise) {
    this.customise = customise;
  }

  public static ServerFixture withDefaults() {
    return new ServerFixture(UnaryOperator.identity());
  }

  /** A server whose default settings (on a random port) are changed by {@code customise}. */
  public static ServerFixture with(UnaryOperator<Settings> customise) {
    return new ServerFixture(customise);
  }

  /**
   * Starts a server outside the fixture's lifecycle; the caller stops it. It runs the memory
   * engine unless {@code customise} chooses another: tests of durability choose the embedded
   * engine with a data directory of their own.
   */
  public static SwitchboardServer start(UnaryOperator<Settings> customise) {
    return SwitchboardServer.start(customise.apply(testDefaults()));
  }

  /**
   * The defaults on a random port, with the memory engine (no data directory is touched), or with
   * the engine named by the system property {@code switchboard.test.engine} in a new temporary data
   * directory: {@code ./mvnw verify -Dswitchboard.test.engine=embedded} runs every server test on
   * the durable engine.
   */
  public static Settings testDefaults() {
    Settings defaults = Settings.defaults().withPort(0);
    String engine = System.getProperty("switchboard.test.engine", "memory");
    if (engine.equals("memory")) {
      return defaults.withEngine("memory", defaults.dataDir());
    }
    try {
      Path dataDir = Files.createTempDirectory("switchboard-test-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dataDir)));
      return defaults.withEngine(engine, dataDir);
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException gone) {
      // Nothing left to delete.
    }
  }

  /** A channel name no other test uses: {@code hint-<random>}. */
  public static String uniqueChannel(String hint) {
    return hint + "-" + UUID.randomUUID().toString().substring(0, 13);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = start(customise);
    api = new Api(server.port());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.stop();
    }
  }

  public Api api() {
    return api;
  }

  public SwitchboardServer server() {
    return server;
  }
}

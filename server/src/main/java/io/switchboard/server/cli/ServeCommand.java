package io.switchboard.server.cli;

import io.switchboard.core.engine.EngineException;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.Settings;
import io.switchboard.server.config.SettingsException;
import io.switchboard.server.config.SettingsLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code switchboard serve}: runs the server until SIGINT or SIGTERM, then shuts down gracefully. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the server. Every setting can also come from the config file and from an environment",
      "variable SWITCHBOARD_<NAME> (e.g. SWITCHBOARD_PORT, SWITCHBOARD_DATA_DIR); flags win over the",
      "environment, which wins over the config file. See docs/configuration.md."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080; 0 picks a free one).")
  String port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where durable engines keep their files (default ./data).")
  String dataDir;

  @Option(names = "--engine", paramLabel = "NAME",
      description = "Storage engine: embedded (default, durable, in --data-dir) or memory (volatile).")
  String engine;

  @Option(names = "--sync-interval", paramLabel = "DURATION",
      description = "0ms (default): sync each publish to disk before answering it, concurrent publishes sharing a sync;"
          + " e.g. 100ms: sync that often, and a power loss may lose that much (a crash loses nothing).")
  String syncInterval;

  @Option(names = "--max-message-size", paramLabel = "SIZE", description = "Largest message body, e.g. 1MiB (default).")
  String maxMessageSize;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS and WSS with this certificate chain (PEM); needs --tls-key.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PEM, PKCS#8 or PKCS#1).")
  String tlsKey;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  String config;

  @Override
  public Integer call() {
    Settings settings;
    try {
      settings = SettingsLoader.load(flags(), System.getenv());
    } catch (SettingsException invalid) {
      spec.commandLine().getErr().println("switchboard: " + invalid.getMessage());
      return ExitCodes.USAGE;
    }
    SwitchboardServer server;
    try {
      server = SwitchboardServer.start(settings);
    } catch (SettingsException invalid) {
      spec.commandLine().getErr().println("switchboard: " + invalid.getMessage());
      return ExitCodes.USAGE;
    } catch (EngineException | IllegalStateException failed) {
      spec.commandLine().getErr().println("switchboard: cannot start: " + failed.getMessage());
      return ExitCodes.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stopped.countDown();
    }, "switchboard-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    putIfGiven(flags, SettingsLoader.HOST, host);
    putIfGiven(flags, SettingsLoader.PORT, port);
    putIfGiven(flags, SettingsLoader.DATA_DIR, dataDir);
    putIfGiven(flags, SettingsLoader.ENGINE, engine);
    putIfGiven(flags, SettingsLoader.SYNC_INTERVAL, syncInterval);
    putIfGiven(flags, SettingsLoader.MAX_MESSAGE_SIZE, maxMessageSize);
    putIfGiven(flags, SettingsLoader.TLS_CERT, tlsCert);
    putIfGiven(flags, SettingsLoader.TLS_KEY, tlsKey);
    putIfGiven(flags, SettingsLoader.CONFIG, config);
    return flags;
  }

  private static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }
}

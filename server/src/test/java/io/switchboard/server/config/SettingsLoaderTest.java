package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SettingsLoader#load} against flags, an environment map and YAML files in a temporary
 * directory: defaults, precedence, the value syntaxes, and one clear line for every bad value.
 */
class SettingsLoaderTest {
  @TempDir Path dir;

  private static Settings load(Map<String, String> flags, Map<String, String> env) {
    return SettingsLoader.load(flags, env);
  }

  private Path configFile(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "switchboard", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Settings loadFile(String yaml) throws IOException {
    return load(Map.of(SettingsLoader.CONFIG, configFile(yaml).toString()), Map.of());
  }

  /** Loads, expects a {@link SettingsException}, and checks the message is one line. */
  private static String rejection(Map<String, String> flags, Map<String, String> env) {
    SettingsException rejected = catchThrowableOfType(SettingsException.class, () -> SettingsLoader.load(flags, env));
    assertThat(rejected).as("a SettingsException for flags %s and environment %s", flags, env).isNotNull();
    String message = rejected.getMessage();
    assertThat(message).as("the message is one line").doesNotContain("\n", "\r");
    return message;
  }

  private String fileRejection(String yaml) throws IOException {
    return rejection(Map.of(SettingsLoader.CONFIG, configFile(yaml).toString()), Map.of());
  }

  @Nested
  class Defaults {
    @Test
    void withNothingGivenEverySettingHasItsDocumentedDefault() {
      Settings settings = load(Map.of(), Map.of());

      assertThat(settings.host()).isEqualTo("127.0.0.1");
      assertThat(settings.port()).isEqualTo(8080);
      assertThat(settings.dataDir()).isEqualTo(Path.of("./data"));
      assertThat(settings.engine()).isEqualTo("embedded");
      assertThat(settings.syncInterval()).isZero();
      assertThat(settings.maxMessageSize()).isEqualTo(1_048_576);
      assertThat(settings.retention().defaultPolicy()).isEqualTo(new RetentionPolicy(1_000, Duration.ofHours(24)));
      assertThat(settings.retention().rules()).isEmpty();
      assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofMinutes(10));
      assertThat(settings.idempotencyMaxKeys()).isEqualTo(10_000);
      assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void settingsDefaultsAreTheLoaderDefaults() {
      assertThat(Settings.defaults()).isEqualTo(load(Map.of(), Map.of()));
    }

    @Test
    void environmentVariablesThatAreNotSettingsAreIgnored() {
      Settings settings = load(Map.of(), Map.of("PATH", "/usr/bin", "SWITCHBOARD_URL", "http://elsewhere:1", "HOME", "/root"));

      assertThat(settings).isEqualTo(Settings.defaults());
    }
  }

  @Nested
  class Precedence {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "port, SWITCHBOARD_PORT",
      "retention.max-age, SWITCHBOARD_RETENTION_MAX_AGE",
      "retention.max-messages, SWITCHBOARD_RETENTION_MAX_MESSAGES",
      "idempotency.window, SWITCHBOARD_IDEMPOTENCY_WINDOW",
      "max-message-size, SWITCHBOARD_MAX_MESSAGE_SIZE",
      "data-dir, SWITCHBOARD_DATA_DIR",
      "shutdown-timeout, SWITCHBOARD_SHUTDOWN_TIMEOUT",
      "sync-interval, SWITCHBOARD_SYNC_INTERVAL",
      "config, SWITCHBOARD_CONFIG",
    })
    void environmentNameIsTheSettingUpperCasedWithUnderscores(String setting, String variable) {
      assertThat(SettingsLoader.envName(setting)).isEqualTo(variable);
    }

    @Test
    void flagWinsOverEnvironmentWhichWinsOverConfigFileWhichWinsOverDefault() throws IOException {
      Path file = configFile("""
          port: 3000
          host: 0.0.0.0
          max-message-size: 2MiB
          shutdown-timeout: 3s
          """);
      Map<String, String> env = Map.of(
          "SWITCHBOARD_CONFIG", file.toString(),
          "SWITCHBOARD_PORT", "4000",
          "SWITCHBOARD_HOST", "10.0.0.1");
      Map<String, String> flags = Map.of("port", "5000");

      Settings settings = load(flags, env);

      assertThat(settings.port()).as("flag over environment and file").isEqualTo(5000);
      assertThat(settings.host()).as("environment over file").isEqualTo("10.0.0.1");
      assertThat(settings.maxMessageSize()).as("file over default").isEqualTo(2 << 20);
      assertThat(settings.shutdownTimeout()).as("file over default").isEqualTo(Duration.ofSeconds(3));
      assertThat(settings.engine()).as("default when nobody says").isEqualTo("embedded");
    }

    @Test
    void environmentWinsOverConfigFileForNestedSettings() throws IOException {
      Path file = configFile("""
          retention:
            max-messages: 5
            max-age: 5m
          idempotency:
            window: 1m
            max-keys: 7
          """);
      Map<String, String> env = Map.of(
          "SWITCHBOARD_RETENTION_MAX_AGE", "2h",
          "SWITCHBOARD_IDEMPOTENCY_MAX_KEYS", "70");

      Settings settings = load(Map.of("config", file.toString()), env);

      assertThat(settings.retention().defaultPolicy()).isEqualTo(new RetentionPolicy(5, Duration.ofHours(2)));
      assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofMinutes(1));
      assertThat(settings.idempotencyMaxKeys()).isEqualTo(70);
    }

    @Test
    void flagWinsOverEnvironmentForEverySettingTheServeCommandHasAFlagFor() {
      Map<String, String> env = Map.of(
          "SWITCHBOARD_HOST", "10.0.0.1",
          "SWITCHBOARD_DATA_DIR", "/env/data",
          "SWITCHBOARD_ENGINE", "nope",
          "SWITCHBOARD_MAX_MESSAGE_SIZE", "not a size");
      Map<String, String> flags = Map.of(
          "host", "::1",
          "data-dir", "/flag/data",
          "engine", "memory",
          "max-message-size", "4KiB");

      Settings settings = load(flags, env);

      assertThat(settings.host()).isEqualTo("::1");
      assertThat(settings.dataDir()).isEqualTo(Path.of("/flag/data"));
      assertThat(settings.engine()).isEqualTo("memory");
      assertThat(settings.maxMessageSize()).isEqualTo(4096);
    }

    @Test
    void configFlagWinsOverConfigEnvironmentVariable() throws IOException {
      Path fromFlag = configFile("port: 1111\n");
      Path fromEnv = configFile("port: 2222\n");

      Settings settings = load(Map.of("config", fromFlag.toString()), Map.of("SWITCHBOARD_CONFIG", fromEnv.toString()));

      assertThat(settings.port()).isEqualTo(1111);
    }

    @Test
    void configFileIsFoundThroughTheEnvironment() throws IOException {
      Path file = configFile("engine: memory\nport: 2222\n");

      assertThat(load(Map.of(), Map.of("SWITCHBOARD_CONFIG", file.toString())).port()).isEqualTo(2222);
    }
  }

  @Nested
  class ConfigFile {
    @Test
    void nestedSectionsSetDottedSettings() throws IOException {
      Settings settings = loadFile("""
          retention: {max-messages: 5, max-age: 5m}
          idempotency: {window: 1m}
          """);

      assertThat(settings.retention().defaultPolicy()).isEqualTo(new RetentionPolicy(5, Duration.ofMinutes(5)));
      assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofMinutes(1));
      assertThat(settings.idempotencyMaxKeys()).as("unspecified keys of a section keep their default").isEqualTo(10_000);
    }

    @Test
    void everyScalarSettingCanBeWrittenInTheFile() throws IOException {
      Settings settings = loadFile("""
          host: 0.0.0.0
          port: 9000
          data-dir: /var/lib/switchboard
          engine: memory
          max-message-size: 512KiB
          retention:
            max-messages: 50
            max-age: 7d
          idempotency:
            window: 30s
            max-keys: 100
          shutdown-timeout: 500ms
          sse:
            heartbeat: 5s
            retry: 500ms
          outbound-buffer: 2MiB
          cors:
            origins: [https://app.example.com, "http://localhost:3000"]
          sync-interval: 50ms
          sessions:
            idle-timeout: 30m
          jobs:
            attempts: 5
            lease: 2m
            retention: 1d
          webhook-secret: a-secret-of-sixteen-chars
          callbacks:
            timeout: 3s
            attempts: 4
            backoff: 250ms
          limits:
            connections: 50000
            connections-per-address: 200
            subscriptions-per-connection: 100
            publish-rate: 1000
            url-size: 4KiB
            header-size: 8KiB
            request-timeout: 15s
          push:
            tcp-nodelay: false
          tls:
            cert: /etc/switchboard/cert.pem
            key: /etc/switchboard/key.pem
          auth:
            secret: a-secret-for-hs256-of-32-bytes-at-least
            issuer: https://id.example.com
            audience: switchboard
            clock-skew: 10s
            cookie: sb_token
            query-token: false
            anonymous:
              publish: []
              subscribe: [public.>, news.*]
          """);

      assertThat(settings).isEqualTo(new Settings(
          "0.0.0.0",
          9000,
          Path.of("/var/lib/switchboard"),
          "memory",
          512 * 1024,
          RetentionRules.uniform(new RetentionPolicy(50, Duration.ofDays(7))),
          Duration.ofSeconds(30),
          100,
          Duration.ofMillis(500),
          Duration.ofSeconds(5),
          Duration.ofMillis(500),
          2 * 1024 * 1024,
          List.of("https://app.example.com", "http://localhost:3000"),
          Duration.ofSeconds(20),
          Duration.ofMillis(50),
          Duration.ofMinutes(30),
          new JobsConfig(5, Duration.ofMinutes(2), Duration.ofDays(1), Optional.of("a-secret-of-sixteen-chars"), Duration.ofSeconds(3), 4,
              Duration.ofMillis(250)),
          new AuthConfig(Optional.of("a-secret-for-hs256-of-32-bytes-at-least"), Optional.empty(), Optional.empty(),
              Optional.of("https://id.example.com"), Optional.of("switchboard"), Duration.ofSeconds(10), "sb_token", false, List.of(),
              List.of("public.>", "news.*")),
          TlsConfig.of(Path.of("/etc/switchboard/cert.pem"), Path.of("/etc/switchboard/key.pem")),
          new LimitsConfig(50_000, 200, 100, 1000, 4096, 8192, Duration.ofSeconds(15)),
          false));
    }

    @Test
    void firstMatchingChannelRuleWinsAndInheritsUnspecifiedLimitsFromTheDefaultPolicy() throws IOException {
      Settings settings = loadFile("""
          retention:
            max-messages: 500
            max-age: 2h
            channels:
              - pattern: "metrics.>"
                max-messages: 10
              - pattern: "metrics.cpu"
                max-messages: 99
                max-age: 1m
              - pattern: "audit.*"
                max-age: 30d
          """);

      assertThat(settings.retention().policyFor(ChannelName.of("metrics.cpu")))
          .as("the first matching rule wins, its max-age is inherited")
          .isEqualTo(new RetentionPolicy(10, Duration.ofHours(2)));
      assertThat(settings.retention().policyFor(ChannelName.of("audit.login")))
          .as("max-messages is inherited")
          .isEqualTo(new RetentionPolicy(500, Duration.ofDays(30)));
      assertThat(settings.retention().policyFor(ChannelName.of("orders.42")))
          .as("no rule matches: the default policy")
          .isEqualTo(new RetentionPolicy(500, Duration.ofHours(2)));
    }

    @Test
    void channelRulesInheritTheDefaultPolicyAsOverriddenByTheEnvironment() throws IOException {
      Path file = configFile("""
          retention:
            channels:
              - pattern: "metrics.>"
                max-messages: 10
          """);

      Settings settings = load(Map.of("config", file.toString()), Map.of("SWITCHBOARD_RETENTION_MAX_AGE", "5m"));

      assertThat(settings.retention().policyFor(ChannelName.of("metrics.cpu")))
          .isEqualTo(new RetentionPolicy(10, Duration.ofMinutes(5)));
    }

    @Test
    void dottedKeysAtTheTopLevelWorkLikeSections() throws IOException {
      Settings settings = loadFile("retention.max-messages: 7\n");

      assertThat(settings.retention().defaultPolicy().maxMessages()).isEqualTo(7);
    }

    @Test
    void emptyConfigFileMeansDefaults() throws IOException {
      assertThat(loadFile("")).isEqualTo(Settings.defaults());
      assertThat(loadFile("  \n\n")).isEqualTo(Settings.defaults());
    }

    @Test
    void configFileWithOnlyCommentsMeansDefaults() throws IOException {
      assertThat(loadFile("# port: 9000\n# everything commented out\n")).isEqualTo(Settings.defaults());
    }

    @Test
    void configFileWithAnExplicitNullDocumentMeansDefaults() throws IOException {
      assertThat(loadFile("~\n")).isEqualTo(Settings.defaults());
    }
  }

  @Nested
  class ValueSyntax {
    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
      "512KiB, 524288",
      "2MiB, 2097152",
      "1024, 1024",
      "100B, 100",
      "'  3 MiB ', 3145728",
      "64MiB, 67108864",
    })
    void sizesAreBytesOrBinaryUnits(String text, int bytes) {
      assertThat(load(Map.of("max-message-size", text), Map.of()).maxMessageSize()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "5m, PT5M",
      "24h, PT24H",
      "7d, PT168H",
      "PT1H, PT1H",
      "pt90s, PT1M30S",
      "' 2 h ', PT2H",
    })
    void durationsAreANumberWithAUnitOrIso8601(String text, String iso) {
      // shutdown-timeout accepts 0..10m; retention.max-age accepts 1s..3650d.
      Duration expected = Duration.parse(iso);
      Settings settings = expected.compareTo(Duration.ofSeconds(1)) < 0
          ? load(Map.of("shutdown-timeout", text), Map.of())
          : load(Map.of("retention.max-age", text), Map.of());

      Duration parsed = expected.compareTo(Duration.ofSeconds(1)) < 0
          ? settings.shutdownTimeout()
          : settings.retention().defaultPolicy().maxAge();
      assertThat(parsed).isEqualTo(expected);
    }

    @Test
    void durationsInTheConfigFileMayBeIso8601() throws IOException {
      Settings settings = loadFile("retention: {max-age: PT1H}\nidempotency: {window: P1D}\n");

      assertThat(settings.retention().defaultPolicy().maxAge()).isEqualTo(Duration.ofHours(1));
      assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void portZeroMeansAnyFreePort() {
      assertThat(load(Map.of("port", "0"), Map.of()).port()).isZero();
    }

    @Test
    void hostAndEngineAreTrimmed() {
      Settings settings = load(Map.of("host", " 0.0.0.0 ", "engine", " memory\t"), Map.of());

      assertThat(settings.host()).isEqualTo("0.0.0.0");
      assertThat(settings.engine()).isEqualTo("memory");
    }
  }

  @Nested
  class BadValues {
    @ParameterizedTest(name = "port {0}")
    @CsvSource({"abc", "70000", "-1", "65536", "8080.5", "''"})
    void badPortFromAFlagIsRejectedNamingTheValueAndTheFlag(String port) {
      String message = rejection(Map.of("port", port), Map.of());

      assertThat(message).startsWith("invalid setting port").contains("\"" + port + "\"").contains("flag --port");
    }

    @Test
    void badPortFromTheEnvironmentNamesTheVariable() {
      String message = rejection(Map.of(), Map.of("SWITCHBOARD_PORT", "abc"));

      assertThat(message).startsWith("invalid setting port").contains("\"abc\"").contains("environment SWITCHBOARD_PORT");
    }

    @Test
    void badPortFromTheConfigFileNamesTheFile() throws IOException {
      Path file = configFile("port: 70000\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting port").contains("\"70000\"").contains("config file " + file);
    }

    @Test
    void unknownEngineIsRejectedListingTheInstalledEngines() {
      String message = rejection(Map.of("engine", "nope"), Map.of());

      assertThat(message).startsWith("invalid setting engine").contains("\"nope\"").contains("memory").contains("flag --engine");
    }

    @ParameterizedTest(name = "max-message-size {0}")
    @CsvSource({"1MB", "0", "100GiB", "65MiB", "-1", "1.5MiB", "99999999999999999999999"})
    void badMessageSizeIsRejected(String size) {
      String message = rejection(Map.of(), Map.of("SWITCHBOARD_MAX_MESSAGE_SIZE", size));

      assertThat(message)
          .startsWith("invalid setting max-message-size")
          .contains("\"" + size + "\"")
          .contains("environment SWITCHBOARD_MAX_MESSAGE_SIZE");
    }

    @ParameterizedTest(name = "retention.max-age {0}")
    @CsvSource({"0s", "forever", "500ms", "-5m", "24x", "3651d"})
    void badRetentionAgeIsRejected(String age) {
      String message = rejection(Map.of(), Map.of("SWITCHBOARD_RETENTION_MAX_AGE", age));

      assertThat(message)
          .startsWith("invalid setting retention.max-age")
          .contains("\"" + age + "\"")
          .contains("environment SWITCHBOARD_RETENTION_MAX_AGE");
    }

    @Test
    void durationTooLargeForJavaIsRejectedAsASetting() {
      String message = rejection(Map.of(), Map.of("SWITCHBOARD_RETENTION_MAX_AGE", "99999999999999999d"));

      assertThat(message).startsWith("invalid setting retention.max-age").contains("99999999999999999d");
    }

    @Test
    void badRetentionAgeInTheConfigFileIsRejected() throws IOException {
      Path file = configFile("retention:\n  max-age: forever\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting retention.max-age").contains("\"forever\"").contains("config file " + file);
    }

    @Test
    void badRetentionCountIsRejected() {
      String message = rejection(Map.of(), Map.of("SWITCHBOARD_RETENTION_MAX_MESSAGES", "0"));

      assertThat(message).startsWith("invalid setting retention.max-messages").contains("\"0\"");
    }

    @Test
    void blankHostIsRejected() {
      assertThat(rejection(Map.of("host", "  "), Map.of())).startsWith("invalid setting host").contains("flag --host");
    }

    @Test
    void anAuthSecretShorterThanHs256NeedsIsRejected() {
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_AUTH_SECRET", "short-secret")))
          .startsWith("invalid setting auth.secret")
          .contains("at least 32 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {"orders..x", "a.>.b", "bad pattern"})
    void anAnonymousPatternThatIsNotAPatternIsRejected(String pattern) {
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_AUTH_ANONYMOUS_SUBSCRIBE", "public.>," + pattern)))
          .startsWith("invalid setting auth.anonymous.subscribe");
    }

    @ParameterizedTest(name = "cookie name [{0}]")
    @CsvSource(delimiter = '|', value = {"has space", "semi;colon", "''"})
    void aCookieNameThatIsNotATokenIsRejected(String name) {
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_AUTH_COOKIE", name))).startsWith("invalid setting auth.cookie");
    }

    @Test
    void aTlsCertificateWithoutItsKeyIsRejected() {
      assertThat(rejection(Map.of("tls.cert", "/etc/cert.pem"), Map.of())).startsWith("invalid setting tls.key").contains("both");
      assertThat(rejection(Map.of("tls.key", "/etc/key.pem"), Map.of())).startsWith("invalid setting tls.cert");
    }

    @Test
    void queryTokenMustBeTrueOrFalse() {
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_AUTH_QUERY_TOKEN", "yes"))).startsWith("invalid setting auth.query-token");
    }

    @Test
    void idempotencyWindowOutsideItsRangeIsRejected() {
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_IDEMPOTENCY_WINDOW", "8d")))
          .startsWith("invalid setting idempotency.window")
          .contains("\"8d\"");
    }

    @Test
    void valueWithLineBreaksIsStillReportedOnOneLine() throws IOException {
      Path file = configFile("port: |\n  80\n  81\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting port").contains("config file " + file);
    }

    @Test
    void veryLongValueIsShortenedInTheMessage() {
      String message = rejection(Map.of("port", "9".repeat(500)), Map.of());

      assertThat(message).startsWith("invalid setting port").contains("...").hasSizeLessThan(300);
    }
  }

  @Nested
  class BadConfigFiles {
    @Test
    void misspelledTopLevelKeyIsAnUnknownSetting() throws IOException {
      Path file = configFile("prot: 1\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("unknown setting prot").contains("config file " + file).contains("port");
    }

    @Test
    void misspelledKeyInsideASectionIsAnUnknownSetting() throws IOException {
      String message = fileRejection("retention:\n  max-mesages: 5\n");

      assertThat(message).startsWith("unknown setting retention.max-mesages");
    }

    @Test
    void sectionWhereAValueBelongsIsRejected() throws IOException {
      String message = fileRejection("port:\n  number: 8080\n");

      assertThat(message).startsWith("invalid setting port").contains("single value");
    }

    @Test
    void unknownKeyInsideAChannelRuleIsAnUnknownSetting() throws IOException {
      Path file = configFile("""
          retention:
            channels:
              - pattern: "metrics.>"
                max-mesages: 10
          """);

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message)
          .startsWith("unknown setting retention.channels[0].max-mesages")
          .contains("config file " + file)
          .contains("max-messages");
    }

    @Test
    void channelRuleWithoutPatternIsRejected() throws IOException {
      Path file = configFile("""
          retention:
            channels:
              - pattern: "a.b"
              - max-messages: 10
          """);

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting retention.channels[1]").contains("pattern").contains("config file " + file);
    }

    @Test
    void channelRuleWithAnEmptyPatternIsRejected() throws IOException {
      String message = fileRejection("""
          retention:
            channels:
              - pattern:
                max-messages: 10
          """);

      assertThat(message).startsWith("invalid setting retention.channels[0]").contains("pattern");
    }

    @Test
    void channelRuleWithABadPatternIsRejectedNamingThePattern() throws IOException {
      Path file = configFile("""
          retention:
            channels:
              - pattern: "a..b"
                max-messages: 10
          """);

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting retention.channels[0].pattern").contains("a..b").contains("config file " + file);
    }

    @Test
    void channelRuleWithABadLimitIsRejected() throws IOException {
      String message = fileRejection("""
          retention:
            channels:
              - pattern: "metrics.>"
                max-age: forever
          """);

      assertThat(message).startsWith("invalid setting retention.channels[0].max-age").contains("\"forever\"");
    }

    @Test
    void channelRuleThatIsNotAMappingIsRejected() throws IOException {
      String message = fileRejection("retention:\n  channels:\n    - metrics.>\n");

      assertThat(message).startsWith("invalid setting retention.channels[0]").contains("metrics.>");
    }

    @Test
    void channelRulesThatAreNotAListAreRejected() throws IOException {
      Path file = configFile("retention:\n  channels:\n    pattern: \"metrics.>\"\n    max-messages: 10\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting retention.channels").contains("list").contains("config file " + file);
    }

    @Test
    void missingConfigFileIsRejectedNamingThePathAndWhereItWasGiven() {
      Path missing = dir.resolve("nowhere.yaml");

      assertThat(rejection(Map.of("config", missing.toString()), Map.of()))
          .startsWith("invalid setting config")
          .contains(missing.toString())
          .contains("flag --config");
      assertThat(rejection(Map.of(), Map.of("SWITCHBOARD_CONFIG", missing.toString())))
          .startsWith("invalid setting config")
          .contains(missing.toString())
          .contains("environment SWITCHBOARD_CONFIG");
    }

    @Test
    void configFileThatIsADirectoryIsRejected() {
      assertThat(rejection(Map.of("config", dir.toString()), Map.of()))
          .startsWith("invalid setting config")
          .contains(dir.toString());
    }

    @Test
    void malformedYamlIsRejectedNamingTheLine() throws IOException {
      Path file = configFile("""
          host: 0.0.0.0
          port: 9000
          retention: {max-messages: 5
          idempotency:
            window: 1m
          """);

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting config").contains(file.toString()).containsPattern("line [3-6]\\b");
    }

    @Test
    void malformedYamlWithBadIndentationIsRejectedNamingTheLine() throws IOException {
      Path file = configFile("port: 9000\n  host: x\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting config").contains(file.toString()).contains("line 2");
    }

    @Test
    void configFileWhoseRootIsAListIsRejected() throws IOException {
      Path file = configFile("- port: 9000\n- host: x\n");

      String message = rejection(Map.of("config", file.toString()), Map.of());

      assertThat(message).startsWith("invalid setting config").contains(file.toString()).contains("mapping").contains("array");
    }

    @Test
    void configFileWhoseRootIsAScalarIsRejected() throws IOException {
      assertThat(fileRejection("port\n")).startsWith("invalid setting config").contains("mapping");
    }

    @Test
    void settingsExceptionIsWhatEveryBadInputThrows() {
      assertThatThrownBy(() -> load(Map.of("port", "abc"), Map.of())).isExactlyInstanceOf(SettingsException.class);
    }
  }
}

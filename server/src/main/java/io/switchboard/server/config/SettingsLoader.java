package io.switchboard.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.engine.EngineProvider;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;
import io.switchboard.core.jobs.JobSettings;
import io.switchboard.server.auth.TokenVerifier;
import java.util.function.Function;

/**
 * Resolves {@link Settings} from, in order of precedence: command-line flags, environment variables
 * {@code SWITCHBOARD_<NAME>} (name upper-cased, dots and dashes as underscores), the YAML config
 * file ({@code --config} or {@code SWITCHBOARD_CONFIG}), and the documented defaults.
 *
 * <p>Every problem is a {@link SettingsException} with one line naming the setting, the value and
 * its source. Unknown keys in the config file are errors, so that a typo never silently falls
 * back to a default.
 */
public final class SettingsLoader {
  public static final String CONFIG = "config";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String DATA_DIR = "data-dir";
  public static final String ENGINE = "engine";
  public static final String MAX_MESSAGE_SIZE = "max-message-size";
  public static final String RETENTION_MAX_MESSAGES = "retention.max-messages";
  public static final String RETENTION_MAX_AGE = "retention.max-age";
  public static final String RETENTION_CHANNELS = "retention.channels";
  public static final String IDEMPOTENCY_WINDOW = "idempotency.window";
  public static final String IDEMPOTENCY_MAX_KEYS = "idempotency.max-keys";
  public static final String SHUTDOWN_TIMEOUT = "shutdown-timeout";
  public static final String SSE_HEARTBEAT = "sse.heartbeat";
  public static final String SSE_RETRY = "sse.retry";
  public static final String OUTBOUND_BUFFER = "outbound-buffer";
  public static final String CORS_ORIGINS = "cors.origins";
  public static final String WS_PING_INTERVAL = "ws.ping-interval";
  public static final String PUSH_TCP_NODELAY = "push.tcp-nodelay";
  public static final String SYNC_INTERVAL = "sync-interval";
  public static final String SESSIONS_IDLE_TIMEOUT = "sessions.idle-timeout";
  public static final String JOBS_ATTEMPTS = "jobs.attempts";
  public static final String JOBS_LEASE = "jobs.lease";
  public static final String JOBS_RETENTION = "jobs.retention";
  public static final String WEBHOOK_SECRET = "webhook-secret";
  public static final String CALLBACKS_TIMEOUT = "callbacks.timeout";
  public static final String CALLBACKS_ATTEMPTS = "callbacks.attempts";
  public static final String CALLBACKS_BACKOFF = "callbacks.backoff";
  public static final String LIMITS_CONNECTIONS = "limits.connections";
  public static final String LIMITS_CONNECTIONS_PER_ADDRESS = "limits.connections-per-address";
  public static final String LIMITS_SUBSCRIPTIONS_PER_CONNECTION = "limits.subscriptions-per-connection";
  public static final String LIMITS_PUBLISH_RATE = "limits.publish-rate";
  public static final String LIMITS_URL_SIZE = "limits.url-size";
  public static final String LIMITS_HEADER_SIZE = "limits.header-size";
  public static final String LIMITS_REQUEST_TIMEOUT = "limits.request-timeout";
  public static final String TLS_CERT = "tls.cert";
  public static final String TLS_KEY = "tls.key";
  public static final String AUTH_SECRET = "auth.secret";
  public static final String AUTH_PUBLIC_KEY = "auth.public-key";
  public static final String AUTH_JWKS = "auth.jwks";
  public static final String AUTH_ISSUER = "auth.issuer";
  public static final String AUTH_AUDIENCE = "auth.audience";
  public static final String AUTH_CLOCK_SKEW = "auth.clock-skew";
  public static final String AUTH_COOKIE = "auth.cookie";
  public static final String AUTH_QUERY_TOKEN = "auth.query-token";
  public static final String AUTH_ANONYMOUS_PUBLISH = "auth.anonymous.publish";
  public static final String AUTH_ANONYMOUS_SUBSCRIBE = "auth.anonymous.subscribe";

  /** Scalar settings and their defaults, in the order the documentation lists them. */
  static final Map<String, String> DEFAULTS = defaults();

  /** Settings that are lists: comma-separated in flags and the environment, YAML lists or comma-separated in the file. */
  private static final Set<String> LIST_SETTINGS = Set.of(CORS_ORIGINS, AUTH_ANONYMOUS_PUBLISH, AUTH_ANONYMOUS_SUBSCRIBE);
  private static final long MAX_MESSAGE_SIZE_LIMIT = 64L << 20;
  private static final Set<String> RULE_KEYS = Set.of("pattern", "max-messages", "max-age");
  private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Map<String, String> file = new LinkedHashMap<>();
  private final List<JsonNode> fileRules = new ArrayList<>();
  private String fileName = "";

  private SettingsLoader(Map<String, String> flags, Map<String, String> env) {
    this.flags = flags;
    this.env = env;
  }

  /**
   * @param flags values given on the command line, by setting name ({@code port}, {@code config}, ...)
   * @param env the process environment
   * @throws SettingsException naming the first setting that is wrong
   */
  public static Settings load(Map<String, String> flags, Map<String, String> env) {
    SettingsLoader loader = new SettingsLoader(flags, env);
    loader.readConfigFile();
    return loader.resolve();
  }

  /** The environment variable that sets {@code setting}. */
  public static String envName(String setting) {
    return "SWITCHBOARD_" + setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private Settings resolve() {
    String host = value(HOST, text -> {
      if (text.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return text.trim();
    });
    int port = value(PORT, text -> (int) ValueParsers.wholeNumber(text, 0, 65_535));
    Path dataDir = value(DATA_DIR, text -> {
      if (text.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return Path.of(text.trim());
    });
    String engine = value(ENGINE, SettingsLoader::engineName);
    int maxMessageSize = value(MAX_MESSAGE_SIZE, text -> (int) ValueParsers.size(text, 1, MAX_MESSAGE_SIZE_LIMIT));
    RetentionPolicy defaultPolicy = new RetentionPolicy(
        value(RETENTION_MAX_MESSAGES, SettingsLoader::maxMessages),
        value(RETENTION_MAX_AGE, SettingsLoader::maxAge));
    RetentionRules retention = new RetentionRules(defaultPolicy, rules(defaultPolicy));
    Duration idempotencyWindow = value(IDEMPOTENCY_WINDOW, text -> ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofDays(7)));
    int idempotencyMaxKeys = value(IDEMPOTENCY_MAX_KEYS, text -> (int) ValueParsers.wholeNumber(text, 1, 1_000_000));
    Duration shutdownTimeout = value(SHUTDOWN_TIMEOUT, text -> ValueParsers.duration(text, Duration.ZERO, Duration.ofMinutes(10)));
    Duration sseHeartbeat = value(SSE_HEARTBEAT, text -> ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    Duration sseRetry = value(SSE_RETRY, text -> ValueParsers.duration(text, Duration.ofMillis(100), Duration.ofMinutes(10)));
    int outboundBuffer = value(OUTBOUND_BUFFER, text -> (int) ValueParsers.size(text, 4 * 1024, 1L << 30));
    List<String> corsOrigins = value(CORS_ORIGINS, SettingsLoader::origins);
    Duration wsPingInterval = value(WS_PING_INTERVAL, text -> ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    Duration sessionIdleTimeout = value(SESSIONS_IDLE_TIMEOUT, text -> ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofDays(30)));
    Duration syncInterval = value(SYNC_INTERVAL, text -> ValueParsers.duration(text, Duration.ZERO, Duration.ofSeconds(10)));
    return new Settings(host, port, dataDir, engine, maxMessageSize, retention, idempotencyWindow, idempotencyMaxKeys, shutdownTimeout,
        sseHeartbeat, sseRetry, outboundBuffer, corsOrigins, wsPingInterval, syncInterval, sessionIdleTimeout, jobs(), auth(),
        new TlsConfig(value(TLS_CERT, SettingsLoader::optionalPath), value(TLS_KEY, SettingsLoader::optionalPath)), limits(),
        value(PUSH_TCP_NODELAY, ValueParsers::bool));
  }

  private LimitsConfig limits() {
    return new LimitsConfig(
        value(LIMITS_CONNECTIONS, text -> (int) ValueParsers.wholeNumber(text, 0, 10_000_000)),
        value(LIMITS_CONNECTIONS_PER_ADDRESS, text -> (int) ValueParsers.wholeNumber(text, 0, 10_000_000)),
        value(LIMITS_SUBSCRIPTIONS_PER_CONNECTION, text -> (int) ValueParsers.wholeNumber(text, 1, 1_000_000)),
        value(LIMITS_PUBLISH_RATE, text -> (int) ValueParsers.wholeNumber(text, 0, 10_000_000)),
        value(LIMITS_URL_SIZE, text -> (int) ValueParsers.size(text, 1024, 1L << 20)),
        value(LIMITS_HEADER_SIZE, text -> (int) ValueParsers.size(text, 1024, 1L << 20)),
        value(LIMITS_REQUEST_TIMEOUT, text -> ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofHours(1))));
  }

  private AuthConfig auth() {
    return new AuthConfig(
        value(AUTH_SECRET, SettingsLoader::authSecret),
        value(AUTH_PUBLIC_KEY, SettingsLoader::optionalPath),
        value(AUTH_JWKS, SettingsLoader::optionalPath),
        value(AUTH_ISSUER, SettingsLoader::optionalText),
        value(AUTH_AUDIENCE, SettingsLoader::optionalText),
        value(AUTH_CLOCK_SKEW, text -> ValueParsers.duration(text, Duration.ZERO, Duration.ofMinutes(5))),
        value(AUTH_COOKIE, SettingsLoader::cookieName),
        value(AUTH_QUERY_TOKEN, ValueParsers::bool),
        value(AUTH_ANONYMOUS_PUBLISH, SettingsLoader::patterns),
        value(AUTH_ANONYMOUS_SUBSCRIBE, SettingsLoader::patterns));
  }

  /** Empty means none; a secret that is set must be as long as HS256 needs. */
  private static Optional<String> authSecret(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < TokenVerifier.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("must be at least " + TokenVerifier.MIN_SECRET_BYTES + " bytes for HS256 (or empty for none)");
    }
    return Optional.of(text);
  }

  private static Optional<Path> optionalPath(String text) {
    return text.isBlank() ? Optional.empty() : Optional.of(Path.of(text.trim()));
  }

  private static Optional<String> optionalText(String text) {
    return text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  /** A cookie name is an RFC 6265 token: visible ASCII without separators. */
  private static String cookieName(String text) {
    String name = text.trim();
    if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")) {
      throw new IllegalArgumentException("is not a cookie name (1 to 64 letters, digits and !#$%&'*+.^_`|~-)");
    }
    return name;
  }

  /** A comma-separated list of channel patterns. */
  private static List<String> patterns(String text) {
    List<String> patterns = new ArrayList<>();
    for (String part : text.split(",")) {
      String pattern = part.trim();
      if (pattern.isEmpty()) {
        continue;
      }
      try {
        ChannelPattern.of(pattern);
      } catch (InvalidInputException invalid) {
        throw new IllegalArgumentException("has an invalid pattern: " + invalid.getMessage());
      }
      patterns.add(pattern);
    }
    return List.copyOf(patterns);
  }

  private JobsConfig jobs() {
    return new JobsConfig(
        value(JOBS_ATTEMPTS, text -> (int) ValueParsers.wholeNumber(text, 1, JobSettings.MAX_ATTEMPTS)),
        value(JOBS_LEASE, text -> ValueParsers.duration(text, Duration.ofSeconds(1), JobSettings.MAX_LEASE)),
        value(JOBS_RETENTION, text -> ValueParsers.duration(text, Duration.ofMinutes(1), Duration.ofDays(365))),
        value(WEBHOOK_SECRET, SettingsLoader::webhookSecret),
        value(CALLBACKS_TIMEOUT, text -> ValueParsers.duration(text, Duration.ofMillis(100), Duration.ofMinutes(1))),
        value(CALLBACKS_ATTEMPTS, text -> (int) ValueParsers.wholeNumber(text, 1, 100)),
        value(CALLBACKS_BACKOFF, text -> ValueParsers.duration(text, Duration.ofMillis(10), JobsConfig.MAX_CALLBACK_BACKOFF)));
  }

  /** Empty means none; a secret that is set must be long enough to be a key. */
  private static Optional<String> webhookSecret(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.length() < 16) {
      throw new IllegalArgumentException("must be at least 16 characters (or empty for no callbacks)");
    }
    return Optional.of(text);
  }

  private <T> T value(String setting, Function<String, T> parser) {
    String text;
    String source;
    if (flags.containsKey(setting)) {
      text = flags.get(setting);
      source = "flag --" + setting;
    } else if (env.containsKey(envName(setting))) {
      text = env.get(envName(setting));
      source = "environment " + envName(setting);
    } else if (file.containsKey(setting)) {
      text = file.get(setting);
      source = "config file " + fileName;
    } else {
      text = DEFAULTS.get(setting);
      source = "default";
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException invalid) {
      throw invalid(setting, text, invalid.getMessage(), source);
    }
  }

  private List<RetentionRules.Rule> rules(RetentionPolicy defaultPolicy) {
    List<RetentionRules.Rule> rules = new ArrayList<>();
    for (int i = 0; i < fileRules.size(); i++) {
      JsonNode rule = fileRules.get(i);
      String where = RETENTION_CHANNELS + "[" + i + "]";
      String source = "config file " + fileName;
      if (!rule.isObject()) {
        throw invalid(where, rule.toString(), "must be a mapping with pattern, max-messages and/or max-age", source);
      }
      for (Iterator<String> names = rule.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!RULE_KEYS.contains(name)) {
          throw new SettingsException("unknown setting " + where + "." + name + " in " + source + " (known: " + new TreeSet<>(RULE_KEYS) + ")");
        }
      }
      JsonNode patternNode = rule.get("pattern");
      if (patternNode == null || patternNode.isNull() || !patternNode.isValueNode() || patternNode.asText().isEmpty()) {
        throw new SettingsException("invalid setting " + where + ": missing pattern (from " + source + ")");
      }
      ChannelPattern pattern;
      try {
        pattern = ChannelPattern.of(patternNode.asText());
      } catch (InvalidInputException invalid) {
        throw new SettingsException("invalid setting " + where + ".pattern: " + invalid.getMessage() + " (from " + source + ")");
      }
      RetentionPolicy policy = defaultPolicy;
      if (rule.hasNonNull("max-messages")) {
        policy = policy.withMaxMessages(parseRuleValue(where + ".max-messages", rule.get("max-messages"), SettingsLoader::maxMessages, source));
      }
      if (rule.hasNonNull("max-age")) {
        policy = policy.withMaxAge(parseRuleValue(where + ".max-age", rule.get("max-age"), SettingsLoader::maxAge, source));
      }
      rules.add(new RetentionRules.Rule(pattern, policy));
    }
    return rules;
  }

  private static <T> T parseRuleValue(String where, JsonNode node, Function<String, T> parser, String source) {
    try {
      return parser.apply(node.asText());
    } catch (IllegalArgumentException invalid) {
      throw invalid(where, node.asText(), invalid.getMessage(), source);
    }
  }

  private void readConfigFile() {
    String path;
    String source;
    if (flags.containsKey(CONFIG)) {
      path = flags.get(CONFIG);
      source = "flag --config";
    } else if (env.containsKey(envName(CONFIG))) {
      path = env.get(envName(CONFIG));
      source = "environment " + envName(CONFIG);
    } else {
      return;
    }
    fileName = path;
    JsonNode root;
    try {
      String text = Files.readString(Path.of(path));
      root = text.isBlank() ? null : YAML.readTree(text);
    } catch (NoSuchFileException missing) {
      throw new SettingsException("invalid setting config: file " + path + " does not exist (from " + source + ")");
    } catch (JacksonException malformed) {
      String reason = malformed.getOriginalMessage().lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("in '") && !line.startsWith("at ") && !line.startsWith("^"))
          .reduce((first, second) -> first + ", " + second)
          .orElse("malformed");
      String where = malformed.getLocation() == null ? "" : " at line " + malformed.getLocation().getLineNr();
      throw new SettingsException("invalid setting config: " + path + " is not valid YAML" + where + ": " + reason);
    } catch (IOException | RuntimeException unreadable) {
      throw new SettingsException("invalid setting config: cannot read " + path + ": " + unreadable.getMessage() + " (from " + source + ")");
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      throw new SettingsException("invalid setting config: " + path + " must hold a mapping of settings, not " + root.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    flatten("", root);
  }

  private void flatten(String prefix, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (key.equals(RETENTION_CHANNELS)) {
        if (!value.isArray()) {
          throw new SettingsException("invalid setting " + key + ": must be a list of rules (from config file " + fileName + ")");
        }
        value.forEach(fileRules::add);
      } else if (LIST_SETTINGS.contains(key) && value.isArray()) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        file.put(key, String.join(",", items));
      } else if (value.isObject() && isSection(key)) {
        flatten(key + ".", value);
      } else if (DEFAULTS.containsKey(key) && value.isValueNode() && !value.isNull()) {
        file.put(key, value.asText());
      } else if (DEFAULTS.containsKey(key)) {
        throw new SettingsException("invalid setting " + key + ": must be a single value (from config file " + fileName + ")");
      } else {
        throw new SettingsException("unknown setting " + key + " in config file " + fileName + " (known: " + knownKeys() + ")");
      }
    }
  }

  private static boolean isSection(String key) {
    return DEFAULTS.keySet().stream().anyMatch(setting -> setting.startsWith(key + "."));
  }

  private static String knownKeys() {
    List<String> known = new ArrayList<>(DEFAULTS.keySet());
    known.add(RETENTION_CHANNELS);
    return String.join(", ", known);
  }

  private static int maxMessages(String text) {
    return (int) ValueParsers.wholeNumber(text, 1, RetentionPolicy.MAX_MESSAGES_LIMIT);
  }

  private static Duration maxAge(String text) {
    return ValueParsers.duration(text, Duration.ofSeconds(1), Duration.ofDays(3650));
  }

  /** A comma-separated list of origins ({@code https://app.example.com}) or {@code *}. */
  private static List<String> origins(String text) {
    List<String> origins = new ArrayList<>();
    for (String part : text.split(",")) {
      String origin = part.trim();
      if (origin.isEmpty()) {
        continue;
      }
      if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new IllegalArgumentException("has " + InvalidInputException.quote(origin)
            + ", which is not an origin (write scheme://host[:port], comma-separated, or *)");
      }
      origins.add(origin);
    }
    return List.copyOf(origins);
  }

  private static String engineName(String text) {
    Set<String> known = new TreeSet<>();
    for (EngineProvider provider : ServiceLoader.load(EngineProvider.class)) {
      known.add(provider.name());
    }
    String name = text.trim();
    if (!known.contains(name)) {
      throw new IllegalArgumentException("is not one of: " + String.join(", ", known));
    }
    return name;
  }

  private static SettingsException invalid(String setting, String value, String reason, String source) {
    return new SettingsException("invalid setting " + setting + ": " + InvalidInputException.quote(value) + " " + reason + " (from " + source + ")");
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(HOST, "127.0.0.1");
    defaults.put(PORT, "8080");
    defaults.put(DATA_DIR, "./data");
    defaults.put(ENGINE, "embedded");
    defaults.put(MAX_MESSAGE_SIZE, "1MiB");
    defaults.put(RETENTION_MAX_MESSAGES, String.valueOf(RetentionPolicy.DEFAULT.maxMessages()));
    defaults.put(RETENTION_MAX_AGE, "24h");
    defaults.put(IDEMPOTENCY_WINDOW, "10m");
    defaults.put(IDEMPOTENCY_MAX_KEYS, "10000");
    defaults.put(SHUTDOWN_TIMEOUT, "10s");
    defaults.put(SSE_HEARTBEAT, "15s");
    defaults.put(SSE_RETRY, "2s");
    defaults.put(OUTBOUND_BUFFER, "1MiB");
    defaults.put(CORS_ORIGINS, "");
    defaults.put(WS_PING_INTERVAL, "20s");
    defaults.put(PUSH_TCP_NODELAY, "true");
    defaults.put(SYNC_INTERVAL, "0ms");
    defaults.put(SESSIONS_IDLE_TIMEOUT, "24h");
    defaults.put(JOBS_ATTEMPTS, "3");
    defaults.put(JOBS_LEASE, "30s");
    defaults.put(JOBS_RETENTION, "7d");
    defaults.put(WEBHOOK_SECRET, "");
    defaults.put(CALLBACKS_TIMEOUT, "10s");
    defaults.put(CALLBACKS_ATTEMPTS, "10");
    defaults.put(CALLBACKS_BACKOFF, "1s");
    defaults.put(LIMITS_CONNECTIONS, "0");
    defaults.put(LIMITS_CONNECTIONS_PER_ADDRESS, "0");
    defaults.put(LIMITS_SUBSCRIPTIONS_PER_CONNECTION, "1000");
    defaults.put(LIMITS_PUBLISH_RATE, "0");
    defaults.put(LIMITS_URL_SIZE, "8KiB");
    defaults.put(LIMITS_HEADER_SIZE, "16KiB");
    defaults.put(LIMITS_REQUEST_TIMEOUT, "60s");
    defaults.put(TLS_CERT, "");
    defaults.put(TLS_KEY, "");
    defaults.put(AUTH_SECRET, "");
    defaults.put(AUTH_PUBLIC_KEY, "");
    defaults.put(AUTH_JWKS, "");
    defaults.put(AUTH_ISSUER, "");
    defaults.put(AUTH_AUDIENCE, "");
    defaults.put(AUTH_CLOCK_SKEW, "5s");
    defaults.put(AUTH_COOKIE, "switchboard_token");
    defaults.put(AUTH_QUERY_TOKEN, "true");
    defaults.put(AUTH_ANONYMOUS_PUBLISH, "");
    defaults.put(AUTH_ANONYMOUS_SUBSCRIBE, "");
    return java.util.Collections.unmodifiableMap(defaults);
  }
}

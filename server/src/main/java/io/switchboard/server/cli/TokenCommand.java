package io.switchboard.server.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Grants;
import io.switchboard.server.auth.TokenVerifier;
import io.switchboard.server.config.SettingsLoader;
import io.switchboard.server.config.ValueParsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard token}: signs an HS256 token with the server's own secret, for development,
 * scripts and tests. Production tokens usually come from an identity provider; this is the shortest
 * way to a working token while trying grants out.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Prints an HS256 token signed with the server's auth.secret, read from --secret-file or $SWITCHBOARD_AUTH_SECRET.",
        "Patterns may use * and >; give each option once per pattern."})
final class TokenCommand implements Callable<Integer> {
  private static final String SECRET_ENV = SettingsLoader.envName(SettingsLoader.AUTH_SECRET);

  @Spec CommandSpec spec;

  @Option(names = "--secret-file", paramLabel = "FILE", description = "A file holding the secret (default: $SWITCHBOARD_AUTH_SECRET).")
  Path secretFile;

  @Option(names = "--subject", required = true, paramLabel = "NAME", description = "Who the token is for (its sub).")
  String subject;

  @Option(names = "--publish", paramLabel = "PATTERN", description = "Channels it may publish to.")
  List<String> publish = new ArrayList<>();

  @Option(names = "--subscribe", paramLabel = "PATTERN", description = "Channels it may read and subscribe to.")
  List<String> subscribe = new ArrayList<>();

  @Option(names = "--submit", paramLabel = "QUEUE", description = "Queues it may submit jobs to.")
  List<String> submit = new ArrayList<>();

  @Option(names = "--work", paramLabel = "QUEUE", description = "Queues whose jobs it may claim and settle.")
  List<String> work = new ArrayList<>();

  @Option(names = "--admin", description = "It may use the administrative endpoints.")
  boolean admin;

  @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "1h", description = "How long it is valid (default ${DEFAULT-VALUE}; at most 365d).")
  String expires;

  @Override
  public Integer call() {
    String secret;
    try {
      secret = secretFile != null ? Files.readString(secretFile, StandardCharsets.UTF_8).strip() : System.getenv(SECRET_ENV);
    } catch (IOException unreadable) {
      return usage("cannot read --secret-file " + secretFile + ": " + unreadable.getMessage());
    }
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < TokenVerifier.MIN_SECRET_BYTES) {
      return usage("give the server's auth.secret (at least " + TokenVerifier.MIN_SECRET_BYTES + " bytes) in --secret-file or " + SECRET_ENV);
    }
    Duration lifetime;
    Map<String, Object> claim;
    try {
      lifetime = ValueParsers.duration(expires, Duration.ofSeconds(1), Duration.ofDays(365));
      claim = grants();
      Grants.fromClaim(claim);
    } catch (IllegalArgumentException invalid) {
      return usage(invalid instanceof InvalidInputException ? invalid.getMessage() : "--expires " + expires + " " + invalid.getMessage());
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(subject)
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plus(lifetime)))
        .claim(Grants.CLAIM, claim)
        .build();
    SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      token.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException failed) {
      spec.commandLine().getErr().println("switchboard: cannot sign the token: " + failed.getMessage());
      return ExitCodes.FAILED;
    }
    spec.commandLine().getOut().println(token.serialize());
    return ExitCodes.OK;
  }

  private Map<String, Object> grants() {
    Map<String, Object> claim = new LinkedHashMap<>();
    if (!publish.isEmpty()) {
      claim.put("publish", publish);
    }
    if (!subscribe.isEmpty()) {
      claim.put("subscribe", subscribe);
    }
    Map<String, Object> jobs = new LinkedHashMap<>();
    if (!submit.isEmpty()) {
      jobs.put("submit", submit);
    }
    if (!work.isEmpty()) {
      jobs.put("work", work);
    }
    if (!jobs.isEmpty()) {
      claim.put("jobs", jobs);
    }
    if (admin) {
      claim.put("admin", true);
    }
    return claim;
  }

  private int usage(String problem) {
    spec.commandLine().getErr().println("switchboard: " + problem);
    return ExitCodes.USAGE;
  }
}

package io.switchboard.server.cli;

import picocli.CommandLine.Option;

/** The {@code --url} and {@code --token} options every client command shares (a picocli mixin). */
final class ServerOption {
  @Option(names = "--url", paramLabel = "URL", description = "Server URL (default $SWITCHBOARD_URL or " + ServerClient.DEFAULT_URL + ").")
  String url;

  @Option(names = "--token", paramLabel = "JWT", description = "Token for a server with authentication on (default $"
      + ServerClient.TOKEN_ENV + "; prefer the variable: other users of this machine can read a command line).")
  String token;

  /** A client of the chosen server. */
  ServerClient client() throws ServerClient.CallFailed {
    return new ServerClient(url, token);
  }
}

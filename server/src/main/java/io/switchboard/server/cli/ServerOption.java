package io.switchboard.server.cli;

import picocli.CommandLine.Option;

/** The {@code --url} option every client command shares (a picocli mixin). */
final class ServerOption {
  @Option(names = "--url", paramLabel = "URL", description = "Server URL (default $SWITCHBOARD_URL or " + ServerClient.DEFAULT_URL + ").")
  String url;

  /** A client of the chosen server. */
  ServerClient client() throws ServerClient.CallFailed {
    return new ServerClient(url);
  }
}

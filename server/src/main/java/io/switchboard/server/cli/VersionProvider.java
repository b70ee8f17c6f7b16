package io.switchboard.server.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = SwitchboardCommand.class.getPackage().getImplementationVersion();
    return new String[] {"switchboard " + (version == null ? "development" : version)};
  }
}

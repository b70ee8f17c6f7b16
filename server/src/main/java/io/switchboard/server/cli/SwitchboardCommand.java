package io.switchboard.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard}: the entry point of the jar and of the {@code ./switchboard} script. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A real-time messaging hub: publish, read, poll, long-poll and stream channels.",
    subcommands = {ServeCommand.class, PublishCommand.class, ReadCommand.class, SubscribeCommand.class, JobCommand.class,
        TokenCommand.class, CommandLine.HelpCommand.class})
public final class SwitchboardCommand {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SwitchboardCommand());
    commandLine.setParameterExceptionHandler((invalid, args) -> {
      CommandLine failed = invalid.getCommandLine();
      failed.getErr().println("switchboard: " + invalid.getMessage());
      failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodes.USAGE;
    });
    return commandLine;
  }
}

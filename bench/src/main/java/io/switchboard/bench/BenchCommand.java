package io.switchboard.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code switchboard-bench}: the entry point of the bench jar, which names the bench to run
 * ({@code publish}, {@code jobs}, {@code fanout}, {@code channels} or {@code idle}) and hands it the rest of the command line.
 *
 * <p>Exit status: {@value #OK} when the run completed without an error, {@value #FAILED} when
 * something failed (the report is printed and written all the same) or clients were still busy
 * long after the deadline, {@value #USAGE} for a bad option.
 */
@Command(
    name = "switchboard-bench",
    description = {
      "Load generators for a Switchboard server on this machine; each stops by itself.",
      "Run 'switchboard-bench BENCH --help' for a bench's options."
    },
    subcommands = {PublishBench.class, JobsBench.class, FanoutBench.class, ChannelsBench.class, IdleBench.class,
        CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new BenchCommand());
    commandLine.setParameterExceptionHandler((invalid, args) -> {
      CommandLine failed = invalid.getCommandLine();
      failed.getErr().println("switchboard-bench: " + invalid.getMessage());
      failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage"
          + (failed.getCommand() instanceof BenchCommand ? "; the bench comes first: switchboard-bench publish|jobs [OPTIONS]." : "."));
      return USAGE;
    });
    return commandLine;
  }

  /** Without a bench there is nothing to run: say which there are. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a bench to run: publish, jobs, fanout, channels or idle");
  }
}

package io.switchboard.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One in-process run of the {@code switchboard} command line: its exit code, standard output and standard error. */
record CommandRun(int exitCode, String out, String err) {

  /** Runs {@code switchboard args...} in this JVM, with standard output and error captured. */
  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = SwitchboardCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CommandRun(exitCode, out.toString(), err.toString());
  }

  /** The non-empty lines of standard error. */
  List<String> errLines() {
    return err.lines().filter(line -> !line.isBlank()).toList();
  }

  /** The non-empty lines of standard output. */
  List<String> outLines() {
    return out.lines().filter(line -> !line.isBlank()).toList();
  }
}

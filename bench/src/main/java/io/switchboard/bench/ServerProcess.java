package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's process, as Linux shows it: its resident memory ({@code VmRSS} in
 * {@code /proc/PID/status}), its file-descriptor limit ({@code /proc/PID/limits}), and, when no
 * PID is given, which process listens on the bench's port ({@code ss -ltnp}).
 *
 * @param pid the server's process id
 */
record ServerProcess(long pid) {
  private static final Pattern SS_PID = Pattern.compile("pid=([0-9]{1,10})");
  private static final Pattern KILOBYTES = Pattern.compile("VmRSS:\\s+([0-9]{1,15}) kB");
  private static final Pattern MAX_OPEN_FILES = Pattern.compile("Max open files\\s+([0-9]{1,15}|unlimited)");

  /**
   * The server at {@code --server-pid}, or else the one process listening on {@code port}.
   *
   * @throws IllegalArgumentException when it cannot be found, saying how to name it
   */
  static ServerProcess find(OptionalLong pid, int port) {
    if (pid.isPresent()) {
      ServerProcess given = new ServerProcess(pid.getAsLong());
      if (!Files.isReadable(given.status())) {
        throw new IllegalArgumentException("--server-pid " + pid.getAsLong() + ": no readable " + given.status());
      }
      return given;
    }
    String listening;
    try {
      Process ss = new ProcessBuilder(List.of("ss", "-ltnpH", "sport = :" + port)).redirectErrorStream(true).start();
      listening = new String(ss.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
      if (!ss.waitFor(5, TimeUnit.SECONDS)) {
        ss.destroyForcibly();
      }
    } catch (IOException failed) {
      throw new IllegalArgumentException("cannot run ss to find the server on port " + port + " (" + failed.getMessage()
          + "); give its process id with --server-pid", failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", interrupted);
    }
    Matcher found = SS_PID.matcher(listening);
    if (!found.find()) {
      throw new IllegalArgumentException("ss -ltnp shows no process of yours listening on port " + port
          + "; give the server's process id with --server-pid");
    }
    return new ServerProcess(Long.parseLong(found.group(1)));
  }

  /** The resident set size now, in bytes. @throws IllegalStateException when it cannot be read */
  long residentBytes() {
    Matcher rss = KILOBYTES.matcher(read(status()));
    if (!rss.find()) {
      throw new IllegalStateException(status() + " has no VmRSS line: is process " + pid + " gone?");
    }
    return Long.parseLong(rss.group(1)) * 1024;
  }

  /** The soft limit on its open files, or empty when it cannot be read or is unlimited. */
  OptionalLong maxOpenFiles() {
    Path limits = Path.of("/proc", Long.toString(pid), "limits");
    if (!Files.isReadable(limits)) {
      return OptionalLong.empty();
    }
    Matcher max = MAX_OPEN_FILES.matcher(read(limits));
    return max.find() && !max.group(1).equals("unlimited") ? OptionalLong.of(Long.parseLong(max.group(1))) : OptionalLong.empty();
  }

  private Path status() {
    return Path.of("/proc", Long.toString(pid), "status");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException failed) {
      throw new IllegalStateException("cannot read " + file + ": " + failed.getMessage(), failed);
    }
  }
}

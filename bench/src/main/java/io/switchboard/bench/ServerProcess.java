package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's processes, as Linux shows them: one for Switchboard (the JVM), several for Nchan
 * (nginx's master and its workers, which all hold the listening socket). Their memory is read two
 * ways, summed over the processes:
 * <ul>
 *   <li>resident ({@code VmRSS} in {@code /proc/PID/status}): what each process has in RAM, so pages
 *       that processes share (nginx's shared memory zone, its code) count once per process;
 *   <li>proportional ({@code Pss} in {@code /proc/PID/smaps_rollup}): each shared page divided among
 *       the processes that map it, so the sum counts every page once. For one process the two differ
 *       only by the shared libraries' pages, which idle connections do not change.
 * </ul>
 * Also their CPU time ({@code /proc/PID/stat}), their file-descriptor limit
 * ({@code /proc/PID/limits}), and, when no PID is given, which processes listen on the bench's port
 * ({@code ss -ltnp}).
 *
 * @param pids the server's process ids, at least one
 */
record ServerProcess(List<Long> pids) {
  private static final Pattern SS_PID = Pattern.compile("pid=([0-9]{1,10})");
  private static final Pattern RESIDENT_KB = Pattern.compile("VmRSS:\\s+([0-9]{1,15}) kB");
  private static final Pattern PROPORTIONAL_KB = Pattern.compile("(?m)^Pss:\\s+([0-9]{1,15}) kB");
  private static final Pattern MAX_OPEN_FILES = Pattern.compile("Max open files\\s+([0-9]{1,15}|unlimited)");
  /** Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, which Linux fixes at 100 for user space. */
  private static final int TICKS_PER_SECOND = 100;

  /** @throws IllegalArgumentException for no pid */
  ServerProcess {
    pids = List.copyOf(pids);
    if (pids.isEmpty()) {
      throw new IllegalArgumentException("a server has at least one process");
    }
  }

  /**
   * The server at {@code --server-pid} (one or more pids), or else every process listening on
   * {@code port}.
   *
   * @throws IllegalArgumentException when one cannot be found, saying how to name it
   */
  static ServerProcess find(List<Long> given, int port) {
    if (!given.isEmpty()) {
      ServerProcess server = new ServerProcess(given);
      for (long pid : server.pids) {
        if (!Files.isReadable(status(pid))) {
          throw new IllegalArgumentException("--server-pid " + pid + ": no readable " + status(pid));
        }
      }
      return server;
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
    Set<Long> found = new LinkedHashSet<>();
    Matcher pid = SS_PID.matcher(listening);
    while (pid.find()) {
      found.add(Long.parseLong(pid.group(1)));
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("ss -ltnp shows no process of yours listening on port " + port
          + "; give the server's process id(s) with --server-pid");
    }
    return new ServerProcess(new ArrayList<>(found));
  }

  /** The sum of the processes' resident set sizes now, in bytes. @throws IllegalStateException when one cannot be read */
  long residentBytes() {
    long sum = 0;
    for (long pid : pids) {
      Matcher rss = RESIDENT_KB.matcher(read(status(pid)));
      if (!rss.find()) {
        throw new IllegalStateException(status(pid) + " has no VmRSS line: is process " + pid + " gone?");
      }
      sum += Long.parseLong(rss.group(1)) * 1024;
    }
    return sum;
  }

  /** The sum of the processes' proportional set sizes now, in bytes, or empty when one cannot be read (an old kernel). */
  OptionalLong proportionalBytes() {
    long sum = 0;
    for (long pid : pids) {
      Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
      if (!Files.isReadable(rollup)) {
        return OptionalLong.empty();
      }
      Matcher pss = PROPORTIONAL_KB.matcher(read(rollup));
      if (!pss.find()) {
        return OptionalLong.empty();
      }
      sum += Long.parseLong(pss.group(1)) * 1024;
    }
    return OptionalLong.of(sum);
  }

  /**
   * The highest soft limit on open files among the processes (the one that takes connections: for
   * nginx, a worker, with {@code worker_rlimit_nofile}), or empty when one cannot be read or is unlimited.
   */
  OptionalLong maxOpenFiles() {
    long highest = 0;
    for (long pid : pids) {
      Path limits = Path.of("/proc", Long.toString(pid), "limits");
      if (!Files.isReadable(limits)) {
        return OptionalLong.empty();
      }
      Matcher max = MAX_OPEN_FILES.matcher(read(limits));
      if (!max.find() || max.group(1).equals("unlimited")) {
        return OptionalLong.empty();
      }
      highest = Math.max(highest, Long.parseLong(max.group(1)));
    }
    return OptionalLong.of(highest);
  }

  /**
   * The CPU time the processes have used so far, user and system summed over all their threads, in
   * seconds (to a hundredth).
   *
   * @throws IllegalStateException when one cannot be read
   */
  double cpuSeconds() {
    long ticks = 0;
    for (long pid : pids) {
      Path stat = Path.of("/proc", Long.toString(pid), "stat");
      String line = read(stat);
      // The fields after the command name, which is in parentheses and may hold spaces: state is
      // the first, utime and stime the 12th and 13th (fields 14 and 15 of proc(5)).
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      if (fields.length < 13) {
        throw new IllegalStateException(stat + " has too few fields: is process " + pid + " gone?");
      }
      ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
    return (double) ticks / TICKS_PER_SECOND;
  }

  /** The pids as the report shows them: {@code 8796}, or {@code 16200,16201}. */
  String describe() {
    return String.join(",", pids.stream().map(String::valueOf).toList());
  }

  private static Path status(long pid) {
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

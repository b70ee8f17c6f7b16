package io.switchboard.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** This process's file descriptors, checked before a bench opens thousands of connections. */
final class FileDescriptors {
  /** Descriptors the JVM, Vert.x and the publishers need beside the subscribers' connections. */
  static final long SPARE = 128;

  private FileDescriptors() {}

  /**
   * @throws IllegalArgumentException when {@code connections} more connections would not fit under
   *     this process's limit ({@code ulimit -n}), naming the option, the need and the limit
   */
  static void requireRoomFor(String option, long connections) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof UnixOperatingSystemMXBean unix)) {
      return; // no way to tell: the connects that fail will say so
    }
    long limit = unix.getMaxFileDescriptorCount();
    long needed = unix.getOpenFileDescriptorCount() + connections + SPARE;
    if (needed > limit) {
      throw new IllegalArgumentException(option + " " + connections + " needs about " + needed
          + " file descriptors, but this process may open " + limit + " (ulimit -n); raise the limit"
          + " (e.g. ulimit -n 65536, for the server too, as root or within the hard limit: ulimit -Hn) or open fewer");
    }
  }
}

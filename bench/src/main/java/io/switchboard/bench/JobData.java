package io.switchboard.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a job of {@link JobsBench} carries, so that its worker can tell who submitted it, which of
 * that submitter's jobs it is, and when it was submitted: {@code "SUBMITTER NUMBER NANOS "} in
 * ASCII, padded with {@code x} to the job size.
 *
 * @param submitter the submitter's index
 * @param number the submitter's count of submits before this one, failed ones included
 * @param submittedAt when the submit was sent, on this JVM's {@link System#nanoTime()} scale
 */
record JobData(int submitter, int number, long submittedAt) {
  /** The longest header: three numbers and their spaces; jobs are at least this large. */
  static final int MAX_HEADER_LENGTH = String.valueOf(JobsPlan.MAX_SUBMITTERS).length()
      + String.valueOf(Integer.MAX_VALUE).length() + String.valueOf(Long.MIN_VALUE).length() + 3;
  /** Digits few enough that parsing them cannot overflow: 10-digit numbers and 19-digit times are not read. */
  private static final Pattern HEADER = Pattern.compile("([0-9]{1,4}) ([0-9]{1,9}) (-?[0-9]{1,18}) ");

  /** The data of a {@code size}-byte job; {@code size} is at least {@link #MAX_HEADER_LENGTH}. */
  String encode(int size) {
    StringBuilder data = new StringBuilder(size)
        .append(submitter).append(' ').append(number).append(' ').append(submittedAt).append(' ');
    return data.append("x".repeat(size - data.length())).toString();
  }

  /** The job data made by {@link #encode}, or empty for anything else. */
  static Optional<JobData> parse(String data) {
    Matcher header = HEADER.matcher(data);
    if (!header.lookingAt()) {
      return Optional.empty();
    }
    return Optional.of(new JobData(Integer.parseInt(header.group(1)), Integer.parseInt(header.group(2)),
        Long.parseLong(header.group(3))));
  }
}

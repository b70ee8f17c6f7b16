package io.switchboard.core.jobs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One job: what was asked, where it is in its life, and how it ended. Immutable; every change is a
 * new record with the next {@code revision}, which stores use to refuse a change made from a stale
 * copy (compare-and-set).
 *
 * @param id the handle id the submitter holds
 * @param queue the queue it was submitted to
 * @param data what the submitter sent, for the worker
 * @param status where it is in its life
 * @param attempt how many times it was claimed
 * @param maxAttempts the most claims it may have; when the last one's lease runs out it is dead
 * @param sequence its place in its queue, given by the store at submission; lower is claimed first
 * @param revision 0 when submitted, one more at every change
 * @param createdAt epoch milliseconds of the submission
 * @param updatedAt epoch milliseconds of the last change
 * @param startedAt epoch milliseconds of the last claim
 * @param endedAt epoch milliseconds at which it ended
 * @param lease the current worker's lease while running
 * @param result what the worker completed it with
 * @param error why it failed or died, or, while it is retried (queued or running again), why the last attempt failed
 * @param callback the URL to call when it ends, and how that went
 */
public record Job(
    String id,
    String queue,
    String data,
    JobStatus status,
    int attempt,
    int maxAttempts,
    long sequence,
    long revision,
    long createdAt,
    long updatedAt,
    OptionalLong startedAt,
    OptionalLong endedAt,
    Optional<Lease> lease,
    Optional<String> result,
    Optional<String> error,
    Optional<Callback> callback) {
  private static final byte FORMAT = 1;

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(callback, "callback");
    if (status == JobStatus.RUNNING && lease.isEmpty()) {
      throw new IllegalArgumentException("a running job has a lease");
    }
  }

  /** A new job, queued, before the store gives it its place in the queue. */
  public static Job submitted(String id, String queue, String data, int maxAttempts, Optional<String> callbackUrl, long now) {
    return new Job(id, queue, data, JobStatus.QUEUED, 0, maxAttempts, 0, 0, now, now, OptionalLong.empty(), OptionalLong.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), callbackUrl.map(Callback::pending));
  }

  /** Whether another claim is allowed after the current one. */
  public boolean hasAttemptsLeft() {
    return attempt < maxAttempts;
  }

  /** Whether the job has ended and a callback call is still to be made. */
  public boolean awaitsCallback() {
    return status.isEnded() && callback.filter(call -> call.state() == Callback.State.PENDING).isPresent();
  }

  public Job withSequence(long newSequence) {
    return new Job(id, queue, data, status, attempt, maxAttempts, newSequence, revision, createdAt, updatedAt, startedAt, endedAt,
        lease, result, error, callback);
  }

  /** Claimed by a worker: running under {@code newLease}, one attempt more. */
  public Job claimed(Lease newLease, long now) {
    return new Job(id, queue, data, JobStatus.RUNNING, attempt + 1, maxAttempts, sequence, revision + 1, createdAt, now,
        OptionalLong.of(now), endedAt, Optional.of(newLease), result, error, callback);
  }

  public Job leaseExtended(long expiresAt, long now) {
    Lease current = lease.orElseThrow(() -> new IllegalStateException("job " + id + " is " + status.wireName() + ", not running"));
    return new Job(id, queue, data, status, attempt, maxAttempts, sequence, revision + 1, createdAt, now, startedAt, endedAt,
        Optional.of(new Lease(current.token(), expiresAt)), result, error, callback);
  }

  public Job succeeded(String output, long now) {
    return ended(JobStatus.SUCCEEDED, Optional.of(output), Optional.empty(), now);
  }

  public Job failed(String why, long now) {
    return ended(JobStatus.FAILED, Optional.empty(), Optional.of(why), now);
  }

  public Job dead(String why, long now) {
    return ended(JobStatus.DEAD, Optional.empty(), Optional.of(why), now);
  }

  /** Back in the queue for another attempt, in its old place, remembering why the last one failed. */
  public Job requeued(String why, long now) {
    return new Job(id, queue, data, JobStatus.QUEUED, attempt, maxAttempts, sequence, revision + 1, createdAt, now, startedAt,
        endedAt, Optional.empty(), Optional.empty(), Optional.of(why), callback);
  }

  /** Back in the queue, in its old place, as if never claimed: the claim reached no worker. */
  public Job released(long now) {
    return new Job(id, queue, data, JobStatus.QUEUED, attempt - 1, maxAttempts, sequence, revision + 1, createdAt, now, startedAt,
        endedAt, Optional.empty(), Optional.empty(), error, callback);
  }

  public Job withCallback(Callback outcome, long now) {
    return new Job(id, queue, data, status, attempt, maxAttempts, sequence, revision + 1, createdAt, now, startedAt, endedAt,
        lease, result, error, Optional.of(outcome));
  }

  private Job ended(JobStatus end, Optional<String> output, Optional<String> why, long now) {
    return new Job(id, queue, data, end, attempt, maxAttempts, sequence, revision + 1, createdAt, now, startedAt,
        OptionalLong.of(now), Optional.empty(), output, why, callback);
  }

  /** The record as bytes, for engines that store bytes; {@link #decode} reads it back. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + data.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(id);
      out.writeUTF(queue);
      writeText(out, data);
      out.writeByte(status.ordinal());
      out.writeInt(attempt);
      out.writeInt(maxAttempts);
      out.writeLong(sequence);
      out.writeLong(revision);
      out.writeLong(createdAt);
      out.writeLong(updatedAt);
      writeTime(out, startedAt);
      writeTime(out, endedAt);
      out.writeBoolean(lease.isPresent());
      if (lease.isPresent()) {
        out.writeUTF(lease.get().token());
        out.writeLong(lease.get().expiresAt());
      }
      writeOptionalText(out, result);
      writeOptionalText(out, error);
      out.writeBoolean(callback.isPresent());
      if (callback.isPresent()) {
        Callback call = callback.get();
        writeText(out, call.url());
        out.writeByte(call.state().ordinal());
        out.writeInt(call.attempts());
        writeOptionalText(out, call.lastError());
      }
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a job record of a known format
   */
  public static Job decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("a stored job has format " + format + ", which this version cannot read");
      }
      String id = in.readUTF();
      String queue = in.readUTF();
      String data = readText(in);
      JobStatus status = JobStatus.values()[in.readUnsignedByte()];
      int attempt = in.readInt();
      int maxAttempts = in.readInt();
      long sequence = in.readLong();
      long revision = in.readLong();
      long createdAt = in.readLong();
      long updatedAt = in.readLong();
      OptionalLong startedAt = readTime(in);
      OptionalLong endedAt = readTime(in);
      Optional<Lease> lease = in.readBoolean() ? Optional.of(new Lease(in.readUTF(), in.readLong())) : Optional.empty();
      Optional<String> result = readOptionalText(in);
      Optional<String> error = readOptionalText(in);
      Optional<Callback> callback = Optional.empty();
      if (in.readBoolean()) {
        callback = Optional.of(new Callback(readText(in), Callback.State.values()[in.readUnsignedByte()], in.readInt(),
            readOptionalText(in)));
      }
      return new Job(id, queue, data, status, attempt, maxAttempts, sequence, revision, createdAt, updatedAt, startedAt, endedAt,
          lease, result, error, callback);
    } catch (IOException | RuntimeException damaged) {
      throw new IllegalArgumentException("a stored job record is damaged: " + damaged.getMessage(), damaged);
    }
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("text length " + length + " runs past the record");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static void writeOptionalText(DataOutputStream out, Optional<String> text) throws IOException {
    out.writeBoolean(text.isPresent());
    if (text.isPresent()) {
      writeText(out, text.get());
    }
  }

  private static Optional<String> readOptionalText(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(readText(in)) : Optional.empty();
  }

  private static void writeTime(DataOutputStream out, OptionalLong time) throws IOException {
    out.writeBoolean(time.isPresent());
    out.writeLong(time.orElse(0));
  }

  private static OptionalLong readTime(DataInputStream in) throws IOException {
    boolean present = in.readBoolean();
    long time = in.readLong();
    return present ? OptionalLong.of(time) : OptionalLong.empty();
  }
}

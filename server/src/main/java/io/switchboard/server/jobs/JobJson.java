package io.switchboard.server.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.switchboard.core.jobs.Callback;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobCounts;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.Jobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A job as JSON, the same on every transport, on its channel and in callbacks: its status view
 * (without the data, which is the worker's) and, for the worker that claimed it, the claim.
 */
public final class JobJson {
  private static final JsonFactory JSON = new JsonFactory();

  private JobJson() {}

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  /** The status view: id, queue, status, attempts, times, result or error, callback, channel. */
  public static byte[] status(Job job) {
    return write(json -> writeStatus(json, job, /* withCallbackUrl= */ true));
  }

  /** {@link #status} as text, e.g. for an event stream. */
  public static String statusText(Job job) {
    return new String(status(job), StandardCharsets.UTF_8);
  }

  /**
   * The status view as published on the job's channel, which any subscriber may read: without
   * the callback URL, whose query may hold the submitter's secrets.
   */
  public static String channelText(Job job) {
    return new String(write(json -> writeStatus(json, job, /* withCallbackUrl= */ false)), StandardCharsets.UTF_8);
  }

  /** What a worker gets when it claims a job: the data and the lease it must present. */
  public static byte[] claim(Job job) {
    return write(json -> writeClaim(json, job));
  }

  /** {@code GET /v1/queues/{queue}}: how many jobs are in each status. */
  public static byte[] counts(String queue, JobCounts counts) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("queue", queue);
      for (JobStatus status : JobStatus.values()) {
        json.writeNumberField(status.wireName(), counts.of(status));
      }
      json.writeNumberField("total", counts.total());
      json.writeEndObject();
    });
  }

  private static void writeStatus(JsonGenerator json, Job job, boolean withCallbackUrl) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", job.id());
    json.writeStringField("queue", job.queue());
    json.writeStringField("status", job.status().wireName());
    json.writeNumberField("attempt", job.attempt());
    json.writeNumberField("attempts", job.maxAttempts());
    json.writeNumberField("created", job.createdAt());
    json.writeNumberField("updated", job.updatedAt());
    if (job.startedAt().isPresent()) {
      json.writeNumberField("started", job.startedAt().getAsLong());
    }
    if (job.endedAt().isPresent()) {
      json.writeNumberField("ended", job.endedAt().getAsLong());
    }
    if (job.lease().isPresent()) {
      json.writeNumberField("leaseExpires", job.lease().get().expiresAt());
    }
    if (job.result().isPresent()) {
      json.writeStringField("result", job.result().get());
    }
    if (job.error().isPresent()) {
      json.writeStringField("error", job.error().get());
    }
    if (job.callback().isPresent()) {
      Callback callback = job.callback().get();
      json.writeObjectFieldStart("callback");
      if (withCallbackUrl) {
        json.writeStringField("url", callback.url());
      }
      json.writeStringField("status", callback.state().name().toLowerCase(Locale.ROOT));
      json.writeNumberField("attempts", callback.attempts());
      if (callback.lastError().isPresent()) {
        json.writeStringField("lastError", callback.lastError().get());
      }
      json.writeEndObject();
    }
    json.writeStringField("channel", Jobs.channelOf(job).value());
    json.writeEndObject();
  }

  private static void writeClaim(JsonGenerator json, Job job) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", job.id());
    json.writeStringField("queue", job.queue());
    json.writeStringField("data", job.data());
    json.writeNumberField("attempt", job.attempt());
    json.writeNumberField("attempts", job.maxAttempts());
    json.writeStringField("lease", job.lease().orElseThrow().token());
    json.writeNumberField("leaseExpires", job.lease().orElseThrow().expiresAt());
    json.writeEndObject();
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      writer.write(json);
    } catch (IOException impossible) {
      throw new UncheckedIOException("writing JSON to memory failed", impossible);
    }
    return bytes.toByteArray();
  }
}

package io.switchboard.server.http;

import io.switchboard.core.jobs.Callback;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.time.Scheduler;
import io.switchboard.server.jobs.JobJson;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /v1/jobs/{id}} as an event stream: the job now, then each change of its status, each
 * event's id being the job's revision and its type the status; the stream ends after the job
 * ends. A browser's EventSource reconnects after the end with the last id, and is answered
 * {@code 204}, which tells it to stop, once it has seen the end.
 *
 * <p>Job streams carry a few small events each, so unlike channel streams they need no outbound
 * buffer policy; they get the same heartbeats, and end with {@code switchboard.shutdown} when the
 * server stops.
 */
final class JobStreams {
  private final Jobs jobs;
  private final long retryMillis;
  private final Set<JobStream> open = ConcurrentHashMap.newKeySet();

  JobStreams(Vertx vertx, Jobs jobs, long retryMillis, long heartbeatMillis) {
    this.jobs = jobs;
    this.retryMillis = retryMillis;
    vertx.setPeriodic(heartbeatMillis, id -> open.forEach(stream -> stream.write(SseFormats.heartbeat())));
  }

  void open(RoutingContext ctx, String id) {
    long lastSeen = lastEventId(ctx);
    JobStream stream = new JobStream(Vertx.currentContext(), ctx.response(), lastSeen);
    // Watch before reading, so that a change between the read and the watch is not missed.
    Scheduler.Cancellable watch = jobs.watch(id, stream::offer);
    Answers.when(ctx, jobs.find(id), found -> {
      if (found.isEmpty()) {
        watch.cancel();
        JobHandlers.notFound(ctx, id);
      } else if (found.get().status().isEnded() && lastSeen >= endRevision(found.get())) {
        watch.cancel();
        ctx.response().setStatusCode(204).end();
      } else {
        open.add(stream);
        Runnable cancelExpiry = Access.atExpiry(ctx, () -> stream.endWith(SseFormats.finalEvent(SseFormats.TOKEN_EXPIRED, SseFormats.TOKEN_EXPIRED_DETAIL)));
        stream.start(found.get(), () -> {
          cancelExpiry.run();
          watch.cancel();
          open.remove(stream);
        });
      }
    });
  }

  /** Ends every open job stream with {@code switchboard.shutdown}; for shutdown. */
  void endAll() {
    open.forEach(stream -> stream.endWith(SseFormats.finalEvent(SseFormats.SHUTDOWN,
        "the server is shutting down; reconnect to go on following the job")));
  }

  /**
   * The revision at which an ended job ended, which is at most the id of the last event of its
   * stream. An ended job changes only to record its callback calls, one revision per call, so its
   * revision alone would send a client that saw the end a repeat of it after each call, instead of
   * {@code 204}.
   */
  private static long endRevision(Job ended) {
    return ended.revision() - ended.callback().map(Callback::attempts).orElse(0);
  }

  private static long lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader(StreamHandlers.LAST_EVENT_ID);
    // A job stream's ids are revisions; anything else is not from one and means "from the start".
    return header != null && header.matches("[0-9]{1,18}") ? Long.parseLong(header) : -1;
  }

  private final class JobStream {
    private final Context context;
    private final HttpServerResponse response;
    private long lastSent;
    private JobStatus lastSentStatus;
    private Job latest;
    private Runnable onEnd;
    private boolean ended;

    JobStream(Context context, HttpServerResponse response, long lastSeen) {
      this.context = context;
      this.response = response;
      this.lastSent = lastSeen;
    }

    /** Runs on the request's context, once the job has been read. */
    void start(Job found, Runnable whenEnded) {
      onEnd = whenEnded;
      response.setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
          .putHeader("X-Accel-Buffering", "no");
      response.closeHandler(closed -> finish());
      response.write(SseFormats.opening(retryMillis));
      send(latest != null && latest.revision() > found.revision() ? latest : found);
    }

    /** Any thread: a stored change of the job. */
    void offer(Job changed) {
      context.runOnContext(ignored -> {
        if (latest == null || changed.revision() > latest.revision()) {
          latest = changed;
        }
        if (onEnd != null) {
          send(changed);
        }
      });
    }

    private void send(Job job) {
      if (ended) {
        return;
      }
      // Heartbeats and callback outcomes change the revision but not the status: no event. Nor is
      // there one for what the client has seen (its Last-Event-ID), but the stream ends with the
      // job all the same, even when the client claimed to have seen more than there was.
      if (job.revision() > lastSent) {
        lastSent = job.revision();
        if (job.status() != lastSentStatus) {
          lastSentStatus = job.status();
          response.write(SseFormats.event(String.valueOf(job.revision()), job.status().wireName(), JobJson.statusText(job)));
        }
      }
      if (job.status().isEnded()) {
        endWith(Buffer.buffer());
      }
    }

    /** Any thread. */
    void write(Buffer bytes) {
      context.runOnContext(ignored -> {
        if (!ended && !response.closed()) {
          response.write(bytes);
        }
      });
    }

    void endWith(Buffer last) {
      context.runOnContext(ignored -> {
        if (ended) {
          return;
        }
        if (!response.closed()) {
          response.end(last);
        }
        finish();
      });
    }

    private void finish() {
      if (!ended) {
        ended = true;
        if (onEnd != null) {
          onEnd.run();
        }
      }
    }
  }
}

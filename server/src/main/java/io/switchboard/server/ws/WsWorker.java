package io.switchboard.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.auth.AccessDeniedException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobConflictException;
import io.switchboard.core.jobs.JobSettings;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.jobs.PendingClaim;
import io.switchboard.core.time.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of one WebSocket: {@code work} asks for jobs of a queue to be pushed, up to
 * {@code max} held at once ({@code max: 0} stops taking new ones); {@code complete}, {@code fail}
 * and {@code heartbeat} act on a held job with its lease token, as over HTTP.
 *
 * <p>For each queue it works, it keeps claims waiting until it holds {@code max} jobs. A job stops
 * being held when it leaves the worker's lease by any path (completed or failed here or over HTTP,
 * its lease ran out): each held job is watched. When the connection closes, the jobs it holds go
 * back to the queue at once (as when a lease runs out) instead of waiting for their leases.
 *
 * <p>Every op needs a work grant on the queue; an op on a job by id looks the job up first, so a
 * refused caller changes nothing.
 *
 * <p>Threads: everything runs on the connection's event loop; claim results and job changes hop
 * to it.
 */
final class WsWorker {
  /** The most jobs one connection may hold per queue. */
  static final int MAX_HELD = 100;
  /** The most queues one connection may work on, so that one client cannot hold unbounded waiting claims. */
  static final int MAX_QUEUES = 32;

  private static final Logger log = LoggerFactory.getLogger(WsWorker.class);

  private final Context context;
  private final Jobs jobs;
  private final Duration defaultLease;
  private final Consumer<String> send;
  /** Throws {@link io.switchboard.core.auth.AccessDeniedException} unless the caller may work the queue. */
  private final Consumer<String> checkWork;
  private final Map<String, QueueWork> queues = new HashMap<>();
  private boolean closed;

  WsWorker(Context context, Jobs jobs, Duration defaultLease, Consumer<String> send, Consumer<String> checkWork) {
    this.context = context;
    this.jobs = jobs;
    this.defaultLease = defaultLease;
    this.send = send;
    this.checkWork = checkWork;
  }

  void work(ClientFrame frame) {
    String queue = Jobs.checkQueue(frame.requiredText("queue"));
    checkWork.accept(queue);
    int max = wholeNumber(frame, "max", 0, MAX_HELD).orElse(1);
    Duration lease = wholeNumber(frame, "lease", 1, (int) JobSettings.MAX_LEASE.toSeconds()).map(Duration::ofSeconds).orElse(defaultLease);
    if (!queues.containsKey(queue) && queues.size() >= MAX_QUEUES) {
      send.accept(WsFrames.error(frame.ref(), 429, "at most " + MAX_QUEUES + " queues per connection; open another connection"));
      return;
    }
    QueueWork work = queues.computeIfAbsent(queue, QueueWork::new);
    work.max = max;
    work.lease = lease;
    frame.ref().ifPresent(ref -> send.accept(WsFrames.ack(frame.ref(), Optional.empty())));
    work.withdrawSurplusClaims();
    work.fill();
  }

  void complete(ClientFrame frame) {
    String result = frame.optionalText("result").orElse("");
    String id = frame.requiredText("id");
    String lease = frame.requiredText("lease");
    answer(frame, permittedThen(id, () -> jobs.complete(id, lease, result)));
  }

  void fail(ClientFrame frame) {
    String error = frame.optionalText("error").orElse("");
    boolean retry = frame.field("retry").map(JsonNode::asBoolean).orElse(false);
    if (frame.field("retry").filter(value -> !value.isBoolean()).isPresent()) {
      throw new InvalidInputException("\"retry\" must be true or false");
    }
    String id = frame.requiredText("id");
    String lease = frame.requiredText("lease");
    answer(frame, permittedThen(id, () -> jobs.fail(id, lease, error, retry)));
  }

  void heartbeat(ClientFrame frame) {
    Duration lease = wholeNumber(frame, "seconds", 1, (int) JobSettings.MAX_LEASE.toSeconds()).map(Duration::ofSeconds)
        .orElse(leaseOf(frame.requiredText("id")));
    String id = frame.requiredText("id");
    String token = frame.requiredText("lease");
    answer(frame, permittedThen(id, () -> jobs.heartbeat(id, token, lease)));
  }

  /** Gives back every held job and stops claiming; the connection has closed. */
  void close() {
    closed = true;
    queues.values().forEach(QueueWork::close);
    queues.clear();
  }

  private Duration leaseOf(String id) {
    return queues.values().stream().filter(work -> work.held.containsKey(id)).findFirst().map(work -> work.lease).orElse(defaultLease);
  }

  /** {@code change} runs only once the caller may work the job's queue. */
  private CompletionStage<Optional<Job>> permittedThen(String id, Supplier<CompletionStage<Optional<Job>>> change) {
    return jobs.find(id).thenCompose(job -> {
      if (job.isEmpty()) {
        return CompletableFuture.completedFuture(job);
      }
      checkWork.accept(job.get().queue());
      return change.get();
    });
  }

  private void answer(ClientFrame frame, CompletionStage<Optional<Job>> change) {
    Optional<String> ref = frame.ref();
    change.whenComplete((changed, failure) -> onLoop(() -> {
      if (failure == null) {
        send.accept(changed.isPresent()
            ? WsFrames.jobAck(ref, changed.get())
            : WsFrames.error(ref, 404, "there is no job " + InvalidInputException.quote(frame.optionalText("id").orElse(""))));
      } else {
        send.accept(error(ref, failure));
      }
    }));
  }

  private static String error(Optional<String> ref, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof InvalidInputException invalid) {
      return WsFrames.error(ref, 400, invalid.getMessage());
    }
    if (cause instanceof AccessDeniedException denied) {
      return WsFrames.denied(ref, denied);
    }
    if (cause instanceof MessageTooLargeException tooLarge) {
      return WsFrames.error(ref, 413, tooLarge.getMessage());
    }
    if (cause instanceof JobConflictException conflict) {
      return WsFrames.error(ref, 409, conflict.getMessage());
    }
    if (cause instanceof EngineException) {
      return WsFrames.error(ref, 503, "the storage engine cannot serve this now; retry later");
    }
    log.error("a job operation over WebSocket failed", cause);
    return WsFrames.error(ref, 500, "the server failed to handle this frame; it has been logged");
  }

  static Optional<Integer> wholeNumber(ClientFrame frame, String field, int min, int max) {
    return frame.field(field).map(value -> {
      // canConvertToLong first: asLong wraps a number beyond a long around (2^64 would be 0).
      if (!value.canConvertToLong() || !value.canConvertToExactIntegral() || value.asLong() < min || value.asLong() > max) {
        throw new InvalidInputException("\"" + field + "\" must be a whole number from " + min + " to " + max);
      }
      return value.asInt();
    });
  }

  private void onLoop(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(ignored -> task.run());
    }
  }

  /** The jobs of one queue this connection holds and the claims it keeps waiting. */
  private final class QueueWork {
    private final String queue;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<PendingClaim, Boolean> claiming = new HashMap<>();
    private int max;
    private Duration lease;

    QueueWork(String queue) {
      this.queue = queue;
    }

    void fill() {
      while (!closed && held.size() + claiming.size() < max) {
        PendingClaim claim = jobs.claim(queue, lease, Broker.MAX_WAIT);
        claiming.put(claim, Boolean.TRUE);
        claim.result().whenComplete((claimed, failure) -> onLoop(() -> onClaimed(claim, claimed, failure)));
      }
    }

    /** After {@code max} was lowered: claims beyond it stop waiting (held jobs stay held). */
    void withdrawSurplusClaims() {
      for (Iterator<PendingClaim> claims = claiming.keySet().iterator(); claims.hasNext() && held.size() + claiming.size() > max; ) {
        PendingClaim claim = claims.next();
        claims.remove();
        claim.cancel();
      }
    }

    private void onClaimed(PendingClaim claim, Optional<Job> claimed, Throwable failure) {
      if (claiming.remove(claim) == null) {
        return;
      }
      if (failure != null) {
        send.accept(error(Optional.empty(), failure));
        return;
      }
      if (claimed.isPresent()) {
        if (closed) {
          Job job = claimed.get();
          jobs.release(job.id(), job.lease().orElseThrow().token());
          return;
        }
        hold(claimed.get());
      }
      fill();
    }

    private void hold(Job job) {
      String token = job.lease().orElseThrow().token();
      Held holding = new Held(token);
      held.put(job.id(), holding);
      holding.watch = jobs.watch(job.id(), changed -> onLoop(() -> {
        boolean stillHeld = changed.status() == JobStatus.RUNNING && changed.lease().filter(current -> current.matches(token)).isPresent();
        if (!stillHeld && held.remove(job.id(), holding)) {
          holding.watch.cancel();
          fill();
        }
      }));
      send.accept(WsFrames.job(job));
    }

    void close() {
      claiming.keySet().forEach(PendingClaim::cancel);
      claiming.clear();
      held.forEach((id, holding) -> {
        holding.watch.cancel();
        jobs.abandon(id, holding.token, "the worker's WebSocket closed");
      });
      held.clear();
    }
  }

  private static final class Held {
    final String token;
    Scheduler.Cancellable watch;

    Held(String token) {
      this.token = token;
    }
  }
}

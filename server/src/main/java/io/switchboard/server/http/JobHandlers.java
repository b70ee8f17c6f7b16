package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobSettings;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.jobs.PendingClaim;
import io.switchboard.server.config.JobsConfig;
import io.switchboard.server.jobs.JobJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs over HTTP: submitting ({@code POST /v1/queues/{queue}/jobs}, synchronous with
 * {@code Prefer: wait=N}), following a job ({@code GET /v1/jobs/{id}}: at once, long-polled with
 * {@code wait}, or as an event stream), the queue's counts, and the worker's side: claiming,
 * completing, failing and extending a lease, which presents the token in {@value #LEASE_HEADER}.
 *
 * <p>Submitting needs a submit grant on the queue, claiming and settling a work grant, and a job's
 * status either. Operations on a job by id look the job up first, so that a caller without the
 * grant learns nothing more than that the job exists, and changes nothing.
 */
final class JobHandlers {
  static final String LEASE_HEADER = "Switchboard-Lease";
  static final String PREFER = "Prefer";
  static final String PREFERENCE_APPLIED = "Preference-Applied";

  private static final Logger log = LoggerFactory.getLogger(JobHandlers.class);

  private final Jobs jobs;
  private final JobsConfig config;
  private final JobStreams streams;
  private final Authorizer authorizer;

  JobHandlers(Jobs jobs, JobsConfig config, JobStreams streams, Authorizer authorizer) {
    this.jobs = jobs;
    this.config = config;
    this.streams = streams;
    this.authorizer = authorizer;
  }

  void submit(RoutingContext ctx) {
    String queue = Jobs.checkQueue(ctx.pathParam("queue"));
    authorizer.checkSubmit(Access.caller(ctx), queue);
    QueryParameters query = QueryParameters.of(ctx);
    OptionalInt attempts = query.integer("attempts", 1, JobSettings.MAX_ATTEMPTS).map(OptionalInt::of).orElse(OptionalInt.empty());
    Optional<String> callback = query.text("callback");
    if (callback.isPresent() && config.webhookSecret().isEmpty()) {
      throw new InvalidInputException("this server has no webhook secret (setting webhook-secret, or SWITCHBOARD_WEBHOOK_SECRET)"
          + ", so it cannot sign callbacks and accepts none; submit without callback= and follow the job instead");
    }
    Optional<Duration> wait = preferredWait(ctx);
    String data = TextBodies.utf8(ctx.body(), "the job body");
    Answers.when(ctx, jobs.submit(queue, data, attempts, callback), job -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/v1/jobs/" + job.id());
      if (wait.isEmpty()) {
        Answers.json(ctx, 202, Buffer.buffer(JobJson.status(job)));
        return;
      }
      Answers.when(ctx, jobs.awaitEnd(job.id(), Access.heldAtMost(ctx, wait.get())), latest -> {
        Job now = latest.orElse(job);
        ctx.response().putHeader(PREFERENCE_APPLIED, "wait=" + wait.get().toSeconds());
        Answers.json(ctx, now.status().isEnded() ? 200 : 202, Buffer.buffer(JobJson.status(now)));
      });
    });
  }

  void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (StreamHandlers.wantsEventStream(ctx)) {
      withJob(ctx, permitted(ctx, authorizer::checkJobStatus), job -> streams.open(ctx, id));
      return;
    }
    QueryParameters query = QueryParameters.of(ctx);
    Optional<Integer> wait = query.integer("wait", 1, (int) Broker.MAX_WAIT.toSeconds());
    CompletionStage<Optional<Job>> found = wait.isPresent()
        ? permittedThen(ctx, authorizer::checkJobStatus, () -> jobs.awaitStatusChange(id, Access.heldAtMost(ctx, Duration.ofSeconds(wait.get()))))
        : permitted(ctx, authorizer::checkJobStatus);
    withJob(ctx, found, job -> Answers.json(ctx, 200, Buffer.buffer(JobJson.status(job))));
  }

  void counts(RoutingContext ctx) {
    String queue = ctx.pathParam("queue");
    Caller caller = Access.caller(ctx);
    if (!caller.grants().admin()) {
      authorizer.checkJobStatus(caller, Jobs.checkQueue(queue));
    }
    Answers.when(ctx, jobs.count(queue), counts -> Answers.json(ctx, 200, Buffer.buffer(JobJson.counts(queue, counts))));
  }

  void claim(RoutingContext ctx) {
    String queue = ctx.pathParam("queue");
    authorizer.checkWork(Access.caller(ctx), queue);
    QueryParameters query = QueryParameters.of(ctx);
    Duration wait = Access.heldAtMost(ctx, Duration.ofSeconds(query.integer("wait", 0, (int) Broker.MAX_WAIT.toSeconds()).orElse(0)));
    Duration lease = lease(query);
    PendingClaim claim = jobs.claim(queue, lease, wait);
    // A worker that hangs up while waiting gets nothing, and nothing is claimed for it.
    ctx.response().closeHandler(closed -> claim.cancel());
    Answers.when(ctx, claim.result(), claimed -> {
      if (claimed.isEmpty()) {
        ctx.response().setStatusCode(204).end();
      } else if (ctx.response().closed()) {
        // Claimed in the moment the worker hung up: cancelling is too late to undo the claim, so
        // the job goes back now, uncounted, rather than when its lease runs out.
        Job lost = claimed.get();
        jobs.release(lost.id(), lost.lease().orElseThrow().token())
            .whenComplete((given, failed) -> {
              if (failed != null) {
                log.warn("could not give back job {}, claimed for a worker that hung up; it returns when its lease runs out: {}",
                    lost.id(), failed.getMessage());
              }
            });
      } else {
        Answers.json(ctx, 200, Buffer.buffer(JobJson.claim(claimed.get())));
      }
    });
  }

  void complete(RoutingContext ctx) {
    String result = TextBodies.utf8(ctx.body(), "the result");
    String lease = leaseToken(ctx);
    workerChange(ctx, permittedThen(ctx, authorizer::checkWork, () -> jobs.complete(ctx.pathParam("id"), lease, result)));
  }

  void fail(RoutingContext ctx) {
    boolean retry = QueryParameters.of(ctx).bool("retry").orElse(false);
    String error = TextBodies.utf8(ctx.body(), "the error");
    String lease = leaseToken(ctx);
    workerChange(ctx, permittedThen(ctx, authorizer::checkWork, () -> jobs.fail(ctx.pathParam("id"), lease, error, retry)));
  }

  void heartbeat(RoutingContext ctx) {
    Duration lease = lease(QueryParameters.of(ctx));
    String token = leaseToken(ctx);
    workerChange(ctx, permittedThen(ctx, authorizer::checkWork, () -> jobs.heartbeat(ctx.pathParam("id"), token, lease)));
  }

  /** The job, once {@code check} allows the caller on its queue; fails with the refusal otherwise. */
  private CompletionStage<Optional<Job>> permitted(RoutingContext ctx, BiConsumer<Caller, String> check) {
    Caller caller = Access.caller(ctx);
    return jobs.find(ctx.pathParam("id")).thenApply(job -> {
      job.ifPresent(found -> check.accept(caller, found.queue()));
      return job;
    });
  }

  /** {@code action} runs only once {@code check} allows the caller on the job's queue. */
  private CompletionStage<Optional<Job>> permittedThen(RoutingContext ctx, BiConsumer<Caller, String> check,
      Supplier<CompletionStage<Optional<Job>>> action) {
    if (!authorizer.isEnabled()) {
      return action.get();
    }
    return permitted(ctx, check).thenCompose(job -> job.isPresent() ? action.get() : CompletableFuture.completedFuture(job));
  }

  private void workerChange(RoutingContext ctx, CompletionStage<Optional<Job>> changed) {
    withJob(ctx, changed, job -> Answers.json(ctx, 200, Buffer.buffer(JobJson.status(job))));
  }

  private Duration lease(QueryParameters query) {
    return query.integer("lease", 1, (int) JobSettings.MAX_LEASE.toSeconds()).map(Duration::ofSeconds).orElse(config.lease());
  }

  private static String leaseToken(RoutingContext ctx) {
    String token = ctx.request().getHeader(LEASE_HEADER);
    if (token == null || token.isBlank()) {
      throw new InvalidInputException("the " + LEASE_HEADER + " header is required: the lease token the claim answered with");
    }
    return token.trim();
  }

  /**
   * The wait of {@code Prefer: wait=N} (RFC 7240), which may stand among other preferences; empty
   * without one. As the RFC allows, the name is case-insensitive, there may be spaces around the
   * {@code =}, and the value may be quoted.
   */
  static Optional<Duration> preferredWait(RoutingContext ctx) {
    return preferredWait(ctx.request().headers().getAll(PREFER));
  }

  /** The wait of the {@code Prefer} headers {@code preferHeaders}, as {@link #preferredWait(RoutingContext)}. */
  static Optional<Duration> preferredWait(List<String> preferHeaders) {
    Optional<Duration> wait = Optional.empty();
    for (String header : preferHeaders) {
      for (String preference : header.split(",")) {
        String[] nameAndValue = preference.split(";", 2)[0].split("=", 2);
        if (!nameAndValue[0].trim().equalsIgnoreCase("wait")) {
          continue;
        }
        if (wait.isPresent()) {
          throw new InvalidInputException("Prefer gives wait more than once; give it once");
        }
        String seconds = nameAndValue.length < 2 ? "" : unquoted(nameAndValue[1].trim());
        long max = Broker.MAX_WAIT.toSeconds();
        if (!seconds.matches("[0-9]{1,9}") || Long.parseLong(seconds) < 1 || Long.parseLong(seconds) > max) {
          throw new InvalidInputException("Prefer: wait=" + InvalidInputException.quote(seconds) + " must be a whole number of seconds from 1 to " + max);
        }
        wait = Optional.of(Duration.ofSeconds(Long.parseLong(seconds)));
      }
    }
    return wait;
  }

  private static String unquoted(String word) {
    return word.length() >= 2 && word.startsWith("\"") && word.endsWith("\"") ? word.substring(1, word.length() - 1) : word;
  }

  private static void withJob(RoutingContext ctx, CompletionStage<Optional<Job>> found, Consumer<Job> onFound) {
    Answers.when(ctx, found, job -> {
      if (job.isPresent()) {
        onFound.accept(job.get());
      } else {
        notFound(ctx, ctx.pathParam("id"));
      }
    });
  }

  static void notFound(RoutingContext ctx, String id) {
    Problems.send(ctx.response(), 404, "there is no job " + InvalidInputException.quote(id)
        + "; it never existed, or it ended longer ago than jobs.retention and was removed");
  }
}

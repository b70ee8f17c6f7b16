package io.switchboard.server.jobs;

import io.switchboard.core.jobs.Callback;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.server.config.JobsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a job's callback URL when the job ends: a {@code POST} of the ended job as JSON, signed
 * with {@code Switchboard-Signature: sha256=<hex HMAC-SHA256 of the exact body>} keyed by the
 * webhook secret. A call answered with a 2xx is delivered; anything else (another status, a
 * refused connection, no answer within the timeout) is retried after a backoff that doubles,
 * until the allowed calls are used up. Each outcome is recorded in the job, where its submitter
 * sees it. Redirects are not followed: the URL given is the one called.
 *
 * <p>Calls still due when the server stops (or crashes) are made after the next start: the job
 * records that its callback is pending.
 */
public final class CallbackSender {
  static final String SIGNATURE_HEADER = "Switchboard-Signature";
  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);
  private static final int MAX_ERROR_LENGTH = 200;

  private final Vertx vertx;
  private final Jobs jobs;
  private final JobsConfig config;
  private final HttpClient client;
  private final Set<Long> timers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);

  public CallbackSender(Vertx vertx, Jobs jobs, JobsConfig config) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.config = config;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.callbackTimeout().toMillis())
        .setKeepAlive(false));
    jobs.onEnded(this::send);
  }

  /** Makes the calls left pending by the last run. */
  public void start() {
    jobs.awaitingCallback().whenComplete((pending, failed) -> {
      if (failed != null) {
        log.warn("could not list the callbacks still to be made: {}", failed.getMessage());
      } else {
        pending.forEach(this::send);
      }
    });
  }

  /** Stops making calls; those still due are made after the next start. */
  public void stop() {
    running.set(false);
    timers.forEach(vertx::cancelTimer);
    client.close();
  }

  /** The signature header's value for {@code body}. */
  public static String signature(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", impossible);
    }
  }

  private void send(Job job) {
    if (!job.awaitsCallback() || !running.get()) {
      return;
    }
    if (config.webhookSecret().isEmpty()) {
      // Accepted while a secret was configured; without one it cannot be signed, so it is given up, visibly.
      log.warn("job {} awaits a callback but the server has no webhook secret now; the callback is given up", job.id());
      record(job, callback -> callback.attemptFailed("the server has no webhook secret to sign the callback with", /* giveUp= */ true));
      return;
    }
    byte[] body = JobJson.status(job);
    call(job, body, job.callback().get().attempts());
  }

  private void call(Job job, byte[] body, int callsBefore) {
    if (!running.get()) {
      return;
    }
    String url = job.callback().get().url();
    long timeoutMillis = config.callbackTimeout().toMillis();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url)
        .setFollowRedirects(false)
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Switchboard")
        .putHeader("Switchboard-Job", job.id())
        .putHeader("Switchboard-Delivery", String.valueOf(callsBefore + 1))
        .putHeader(SIGNATURE_HEADER, signature(body, config.webhookSecret().get()));
    Future<HttpClientResponse> answered = client.request(request)
        .compose(sending -> sending.send(Buffer.buffer(body)))
        .compose(response -> response.end().map(response));
    answered.timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(outcome -> {
      if (outcome.succeeded() && outcome.result().statusCode() / 100 == 2) {
        record(job, Callback::delivered);
      } else {
        String why = outcome.succeeded()
            ? "the callback URL answered " + outcome.result().statusCode()
            : "calling the callback URL failed: " + describe(outcome.cause());
        retryOrGiveUp(job, body, callsBefore + 1, why);
      }
    });
  }

  private void retryOrGiveUp(Job job, byte[] body, int calls, String why) {
    boolean giveUp = calls >= config.callbackAttempts();
    record(job, callback -> callback.attemptFailed(why, giveUp));
    if (giveUp) {
      log.warn("gave up calling back for job {} after {} calls: {}", job.id(), calls, why);
      return;
    }
    long delay = backoff(calls).toMillis();
    long[] timer = new long[1];
    timer[0] = vertx.setTimer(delay, fired -> {
      timers.remove(timer[0]);
      call(job, body, calls);
    });
    timers.add(timer[0]);
  }

  /** The wait after {@code calls} failed calls: the configured backoff, doubled for each call after the first. */
  private Duration backoff(int calls) {
    long millis = config.callbackBackoff().toMillis() << Math.min(calls - 1, 20);
    return Duration.ofMillis(Math.min(millis, JobsConfig.MAX_CALLBACK_BACKOFF.toMillis()));
  }

  private void record(Job job, java.util.function.Function<Callback, Callback> outcome) {
    jobs.recordCallback(job.id(), outcome).whenComplete((recorded, failed) -> {
      if (failed != null) {
        log.warn("could not record the callback outcome of job {}: {}", job.id(), failed.getMessage());
      }
    });
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return message.length() > MAX_ERROR_LENGTH ? message.substring(0, MAX_ERROR_LENGTH) + "..." : message;
  }
}

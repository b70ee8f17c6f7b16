package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.auth.AccessDeniedException;
import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.IdempotencyConflictException;
import io.switchboard.core.jobs.JobConflictException;
import io.switchboard.server.auth.InvalidTokenException;
import io.switchboard.server.limits.RateLimitedException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the broker's answers into HTTP answers on the request's own event loop, and its failures
 * into problem responses: the one place that maps core exceptions to statuses.
 */
final class Answers {
  private static final Logger log = LoggerFactory.getLogger(Answers.class);

  private Answers() {}

  /** Runs {@code onSuccess} on the request's context once {@code stage} completes. */
  static <T> void when(RoutingContext ctx, CompletionStage<T> stage, Consumer<T> onSuccess) {
    when(ctx.request(), stage, onSuccess);
  }

  /** As {@link #when(RoutingContext, CompletionStage, Consumer)}, for requests served without the router. */
  static <T> void when(HttpServerRequest request, CompletionStage<T> stage, Consumer<T> onSuccess) {
    Context context = Vertx.currentContext();
    stage.whenComplete((value, failure) -> {
      if (Vertx.currentContext() == context) {
        finish(request, value, failure, onSuccess);
      } else {
        context.runOnContext(ignored -> finish(request, value, failure, onSuccess));
      }
    });
  }

  static void json(RoutingContext ctx, int status, Buffer body) {
    json(ctx.response(), status, body);
  }

  static void json(HttpServerResponse response, int status, Buffer body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }

  private static <T> void finish(HttpServerRequest request, T value, Throwable failure, Consumer<T> onSuccess) {
    if (failure != null) {
      fail(request, failure);
      return;
    }
    try {
      onSuccess.accept(value);
    } catch (RuntimeException bug) {
      fail(request, bug);
    }
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    fail(ctx.request(), failure);
  }

  /** Answers {@code request} with the problem {@code failure} stands for; the one mapping of exceptions to statuses. */
  static void fail(HttpServerRequest request, Throwable failure) {
    HttpServerResponse response = request.response();
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof InvalidTokenException invalidToken) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\", error=\"invalid_token\"");
      Problems.send(response, 401, invalidToken.getMessage());
    } else if (cause instanceof RateLimitedException limited) {
      response.putHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
      Problems.send(response, 429, limited.getMessage());
    } else if (cause instanceof AccessDeniedException denied) {
      if (denied.needsCredentials()) {
        response.putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
      }
      Problems.send(response, denied.needsCredentials() ? 401 : 403, denied.getMessage());
    } else if (cause instanceof InvalidInputException invalid) {
      Problems.send(response, 400, invalid.getMessage());
    } else if (cause instanceof MessageTooLargeException tooLarge) {
      Problems.send(response, 413, tooLarge.getMessage());
    } else if (cause instanceof IdempotencyConflictException conflict) {
      Problems.send(response, 422, conflict.getMessage());
    } else if (cause instanceof JobConflictException conflict) {
      Problems.send(response, 409, conflict.getMessage());
    } else if (cause instanceof HttpException http && http.getStatusCode() >= 400 && http.getStatusCode() < 500) {
      Problems.send(response, http.getStatusCode(), "the request is malformed: " + http.getMessage());
    } else if (cause instanceof CancellationException) {
      // The client went away while waiting; there is nobody to answer.
      return;
    } else if (cause instanceof EngineException unavailable) {
      log.warn("engine failed on {} {}: {}", request.method(), request.path(), unavailable.getMessage());
      Problems.send(response, 503, "the storage engine cannot serve this request now; retry later");
    } else {
      log.error("unexpected failure on {} {}", request.method(), request.path(), cause);
      Problems.send(response, 500, "the server failed to handle this request; it has been logged");
    }
  }
}

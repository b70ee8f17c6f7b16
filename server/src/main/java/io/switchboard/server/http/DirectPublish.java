package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.auth.Caller;
import io.switchboard.core.channel.ChannelName;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Predicate;

/**
 * Serves {@code POST /v1/channels/{channel}/messages} without Vert.x Web's router, for the
 * publishes where the router adds nothing, with the same checks in the same order: the connection
 * guard, the refusal while stopping, the caller, then the body and the publish itself.
 *
 * <p>Why: publishing is the hot path of the API, and in a profile of the publish benchmark the
 * router's share of a publish (a routing context, matching routes, decoding the path, the body
 * handler) was as large as Netty's whole HTTP codec (docs/benchmarks.md).
 *
 * <p>It takes only what it serves exactly as the router would, and leaves the rest to the router:
 * a path that is not exactly {@code /v1/channels/NAME/messages} with a valid channel name (a
 * trailing slash, percent-encoding, dot segments, a bad name: the router answers those), a body
 * without a {@code Content-Length} or over the limit (the router's body handler answers 413),
 * {@code Expect: 100-continue}, and, when CORS is configured, any request with an {@code Origin}.
 */
final class DirectPublish {
  private static final String PREFIX = "/v1/channels/";
  private static final String SUFFIX = "/messages";

  private final ConnectionGuard guard;
  private final Access access;
  private final ChannelHandlers channels;
  private final long maxBodyBytes;
  private final boolean cors;
  private final Predicate<HttpServerRequest> refusedWhileStopping;

  /** @param refusedWhileStopping answers 503 during a graceful shutdown; says whether it did */
  DirectPublish(ConnectionGuard guard, Access access, ChannelHandlers channels, long maxBodyBytes, boolean cors,
      Predicate<HttpServerRequest> refusedWhileStopping) {
    this.guard = guard;
    this.access = access;
    this.channels = channels;
    this.maxBodyBytes = maxBodyBytes;
    this.cors = cors;
    this.refusedWhileStopping = refusedWhileStopping;
  }

  /** @return false when the request is not one it takes: the router must serve it */
  boolean serve(HttpServerRequest request) {
    ChannelName channel = channelOf(request);
    if (channel == null) {
      return false;
    }
    if (!guard.admit(request) || refusedWhileStopping.test(request)) {
      return true;
    }
    Caller caller;
    try {
      caller = access.identify(request);
    } catch (RuntimeException refused) {
      Answers.fail(request, refused);
      return true;
    }
    request.body().onComplete(body -> {
      if (body.failed()) {
        // The connection went away before the body was in: nobody is left to answer.
        return;
      }
      try {
        channels.publish(request, caller, channel, QueryParameters.of(request), body.result());
      } catch (RuntimeException refused) {
        Answers.fail(request, refused);
      }
    });
    return true;
  }

  /** The channel of a publish this class takes, or null. */
  private ChannelName channelOf(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      return null;
    }
    String path = request.path();
    if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    if (!bodyWithinLimit(request) || request.getHeader(HttpHeaders.EXPECT) != null
        || (cors && request.getHeader(HttpHeaders.ORIGIN) != null)) {
      return null;
    }
    try {
      return ChannelName.of(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
    } catch (InvalidInputException notAChannelName) {
      return null;
    }
  }

  private boolean bodyWithinLimit(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || length.isEmpty() || length.length() > 18) {
      return false;
    }
    for (int i = 0; i < length.length(); i++) {
      if (length.charAt(i) < '0' || length.charAt(i) > '9') {
        return false;
      }
    }
    return Long.parseLong(length) <= maxBodyBytes;
  }
}

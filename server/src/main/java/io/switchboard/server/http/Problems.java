package io.switchboard.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes errors as {@code application/problem+json} (RFC 9457): {@code type}, {@code title},
 * {@code status}, {@code detail}. Every error answer of the HTTP API goes through here.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  /**
   * Sends the problem and closes the connection once it is written: {@code Connection: close} on
   * the answer alone does not make the server close it.
   */
  static void sendAndClose(HttpServerRequest request, int status, String detail) {
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    send(request.response(), status, detail);
    request.connection().close();
  }

  static void send(HttpServerResponse response, int status, String detail) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // The answer has started (a stream); the only honest thing left is to end it.
      response.reset();
      return;
    }
    String title = HttpResponseStatus.valueOf(status).reasonPhrase();
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(JsonBodies.problem(title, status, detail));
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A thin client of the HTTP API on the JDK's {@link HttpClient} (HTTP/1.1): one method per thing a
 * test does, each answering a {@link Reply}. Paths and queries are sent as given, so tests can send
 * malformed ones; {@link #encode} escapes a query value.
 */
final class Api {
  /** Long enough for any wait the API allows (60 s) plus a margin; tests bound their own waits. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);

  /** How long a blocking call waits; requests that are held use the async methods. */
  private static final Duration BLOCKING_CALL_LIMIT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;

  Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  static String encode(String queryValue) {
    return URLEncoder.encode(queryValue, StandardCharsets.UTF_8);
  }

  static String messagesPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }

  Reply get(String pathAndQuery) {
    return send("GET", pathAndQuery, null);
  }

  /** Sends {@code method} with {@code body} (none when null) and headers given as name, value, name, value... */
  Reply send(String method, String pathAndQuery, byte[] body, String... headers) {
    return join(sendAsync(method, pathAndQuery, body, headers), method + " " + pathAndQuery);
  }

  /** Waits for an answer that is due at once; at most {@link #BLOCKING_CALL_LIMIT}. */
  private static Reply join(CompletableFuture<Reply> reply, String what) {
    try {
      return reply.get(BLOCKING_CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException slow) {
      throw new AssertionError(what + " had no answer within " + BLOCKING_CALL_LIMIT, slow);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling " + what, interrupted);
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      throw new UncheckedIOException(what + " failed: " + cause, cause instanceof IOException io ? io : new IOException(cause));
    }
  }

  CompletableFuture<Reply> sendAsync(String method, String pathAndQuery, byte[] body, String... headers) {
    return sendWith(method, pathAndQuery,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  /** Publishes {@code body} without a Content-Length: the client sends it chunked. */
  Reply publishChunked(String channel, byte[] body) {
    return join(sendWith("POST", messagesPath(channel),
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), "chunked publish");
  }

  private CompletableFuture<Reply> sendWith(
      String method, String pathAndQuery, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    String shown = method + " " + pathAndQuery;
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Reply(shown, response.statusCode(), response.headers(), response.body()));
  }

  /** {@code POST /v1/channels/{channel}/messages} with {@code data} as UTF-8. */
  Reply publish(String channel, String data, String... headers) {
    return publish(channel, "", data.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Publishes raw bytes; {@code query} is appended after a {@code ?} unless empty. */
  Reply publish(String channel, String query, byte[] body, String... headers) {
    return send("POST", messagesPath(channel) + (query.isEmpty() ? "" : "?" + query), body, headers);
  }

  /** Publishes {@code data} and returns the id of the stored message, asserting a 201. */
  String publishedId(String channel, String data) {
    return publish(channel, data).expectJson(201).path("id").asText();
  }

  /** {@code GET /v1/channels/{channel}/messages}; {@code query} is appended after a {@code ?} unless empty. */
  Reply read(String channel, String query) {
    return get(readPath(channel, query));
  }

  CompletableFuture<Reply> readAsync(String channel, String query) {
    return sendAsync("GET", readPath(channel, query), null);
  }

  /** Every retained message of {@code channel}, oldest first, read page by page from the earliest. */
  List<JsonNode> readAll(String channel) {
    List<JsonNode> all = new ArrayList<>();
    JsonNode page = read(channel, "from=earliest&limit=1000").expectJson(200);
    while (page.path("messages").size() > 0) {
      page.path("messages").forEach(all::add);
      page = read(channel, "after=" + page.path("next").asText() + "&limit=1000").expectJson(200);
    }
    return all;
  }

  /** How many long polls the server holds on {@code channel} (0 when it does not know the channel). */
  int longPollers(String channel) {
    Reply described = get("/v1/channels/" + channel);
    if (described.status() == 404) {
      return 0;
    }
    return described.expectJson(200).path("subscribers").path("long-poll").asInt();
  }

  /** Waits, at most 10 s, until the server holds exactly {@code count} long polls on {@code channel}. */
  void awaitLongPollers(String channel, int count) {
    await("server holds " + count + " long polls on " + channel)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(longPollers(channel)).isEqualTo(count));
  }

  private static String readPath(String channel, String query) {
    return messagesPath(channel) + (query.isEmpty() ? "" : "?" + query);
  }
}

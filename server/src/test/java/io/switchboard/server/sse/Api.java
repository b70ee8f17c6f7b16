package io.switchboard.server.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A thin client of the HTTP API on the JDK's {@link HttpClient} (HTTP/1.1), for everything that is
 * not an event stream: publishing, reading, polling {@code /v1/subscribe}, channel status. Paths and
 * queries are sent as given; {@link #encode} escapes a query value. (A copy, trimmed and extended,
 * of the one in {@code io.switchboard.server.http}.)
 */
final class Api {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);
  private static final Duration BLOCKING_CALL_LIMIT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final int port;
  private final String base;

  Api(int port) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  static String encode(String queryValue) {
    return URLEncoder.encode(queryValue, StandardCharsets.UTF_8);
  }

  static String messagesPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }

  Reply get(String pathAndQuery, String... headers) {
    return send("GET", pathAndQuery, null, headers);
  }

  CompletableFuture<Reply> getAsync(String pathAndQuery, String... headers) {
    return sendAsync("GET", pathAndQuery, null, headers);
  }

  /** Sends {@code method} with {@code body} (none when null) and headers given as name, value, name, value... */
  Reply send(String method, String pathAndQuery, byte[] body, String... headers) {
    return join(sendAsync(method, pathAndQuery, body, headers), method + " " + pathAndQuery);
  }

  CompletableFuture<Reply> sendAsync(String method, String pathAndQuery, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    String shown = method + " " + pathAndQuery;
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Reply(shown, response.statusCode(), response.headers(), response.body()));
  }

  /** {@code POST /v1/channels/{channel}/messages} with {@code data} as UTF-8; {@code query} after a {@code ?} unless empty. */
  Reply publish(String channel, String query, String data) {
    return send("POST", messagesPath(channel) + (query.isEmpty() ? "" : "?" + query), data.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes {@code data} and returns the answer's JSON, asserting a 201. */
  JsonNode published(String channel, String data) {
    return publish(channel, "", data).expectJson(201);
  }

  /** Publishes {@code data} and returns the id of the stored message, asserting a 201. */
  String publishedId(String channel, String data) {
    return published(channel, data).path("id").asText();
  }

  /** Publishes {@code data} with an event type and returns its id, asserting a 201. */
  String publishedId(String channel, String event, String data) {
    return publish(channel, "event=" + encode(event), data).expectJson(201).path("id").asText();
  }

  /** Every retained message of {@code channel}, oldest first, read page by page from the earliest. */
  List<JsonNode> readAll(String channel) {
    List<JsonNode> all = new ArrayList<>();
    JsonNode page = get(messagesPath(channel) + "?from=earliest&limit=1000").expectJson(200);
    while (page.path("messages").size() > 0) {
      page.path("messages").forEach(all::add);
      page = get(messagesPath(channel) + "?after=" + page.path("next").asText() + "&limit=1000").expectJson(200);
    }
    return all;
  }

  /** {@code GET /v1/subscribe?channel=...&channel=...} followed by {@code &query} unless empty. */
  static String subscribePath(List<String> channels, String query) {
    StringBuilder path = new StringBuilder("/v1/subscribe");
    char separator = '?';
    for (String channel : channels) {
      path.append(separator).append("channel=").append(encode(channel));
      separator = '&';
    }
    if (!query.isEmpty()) {
      path.append(separator).append(query);
    }
    return path.toString();
  }

  /** How many subscribers of {@code transport} the server counts on {@code channel} (0 when it does not know the channel). */
  int subscribers(String channel, String transport) {
    Reply described = get("/v1/channels/" + channel);
    if (described.status() == 404) {
      return 0;
    }
    return described.expectJson(200).path("subscribers").path(transport).asInt();
  }

  /** Waits, at most {@code bound}, until the server counts exactly {@code count} subscribers of {@code transport} on {@code channel}. */
  void awaitSubscribers(String channel, String transport, int count, Duration bound) {
    await("server counts " + count + " " + transport + " subscribers on " + channel)
        .atMost(bound)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(subscribers(channel, transport)).isEqualTo(count));
  }

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
}

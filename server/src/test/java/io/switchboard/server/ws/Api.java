package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The HTTP side of the API as the WebSocket tests need it: publish, read history, long-poll and
 * look at a channel's subscriber counts (a trimmed copy of the HTTP tests' {@code Api}).
 */
final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(75)).GET().build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery) {
    return join(getAsync(pathAndQuery), "GET " + pathAndQuery);
  }

  /** {@code GET} answered {@code 200} with JSON; returns the body. */
  JsonNode getJson(String pathAndQuery) {
    return json(expect(get(pathAndQuery), 200));
  }

  /** Publishes over HTTP, asserts {@code 201}, returns the id. */
  String publishedId(String channel, String data) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/channels/" + channel + "/messages"))
        .timeout(BLOCKING_CALL_LIMIT)
        .POST(HttpRequest.BodyPublishers.ofString(data))
        .build();
    HttpResponse<String> response = join(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()), "publish to " + channel);
    return json(expect(response, 201)).path("id").asText();
  }

  /** Every retained message of {@code channel}, oldest first. */
  List<JsonNode> readAll(String channel) {
    List<JsonNode> all = new ArrayList<>();
    JsonNode page = getJson("/v1/channels/" + channel + "/messages?from=earliest&limit=1000");
    while (page.path("messages").size() > 0) {
      page.path("messages").forEach(all::add);
      page = getJson("/v1/channels/" + channel + "/messages?after=" + page.path("next").asText() + "&limit=1000");
    }
    return all;
  }

  /** Live WebSocket subscribers the server counts for {@code channel} (0 when it does not know the channel). */
  int webSocketSubscribers(String channel) {
    HttpResponse<String> described = get("/v1/channels/" + channel);
    if (described.statusCode() == 404) {
      return 0;
    }
    return json(expect(described, 200)).path("subscribers").path("ws").asInt();
  }

  /** Long polls the server holds on {@code channel}. */
  int longPollers(String channel) {
    HttpResponse<String> described = get("/v1/channels/" + channel);
    if (described.statusCode() == 404) {
      return 0;
    }
    return json(expect(described, 200)).path("subscribers").path("long-poll").asInt();
  }

  static HttpResponse<String> expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as("status of %s; body: %s", response.request().uri(), response.body()).isEqualTo(status);
    return response;
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException notJson) {
      throw new UncheckedIOException("the answer to " + response.request().uri() + " is not JSON: " + response.body(), notJson);
    }
  }

  private static <T> T join(CompletableFuture<T> answer, String what) {
    try {
      return answer.get(BLOCKING_CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException slow) {
      throw new AssertionError(what + " had no answer within " + BLOCKING_CALL_LIMIT, slow);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, interrupted);
    } catch (ExecutionException failed) {
      throw new IllegalStateException(what + " failed: " + failed.getCause(), failed.getCause());
    }
  }
}

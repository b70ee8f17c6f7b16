package io.switchboard.server.testing;

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
 * malformed ones; {@link #encode} escapes a query value. Event streams and WebSockets have their own
 * clients; this one does everything else: publishing, reading, polling, channel status.
 */
public final class Api {
  /** Long enough for any wait the API allows (60 s) plus a margin; tests bound their own waits. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);

  /** How long a blocking call waits; requests that are held use the async methods. */
  private static final Duration BLOCKING_CALL_LIMIT = Duration.ofSeconds(30);

  /** How long {@link #awaitSubscribers(String, String, int)} waits. */
  private static final Duration SUBSCRIBER_WAIT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final int port;
  private final String base;
  /** The Authorization header sent when a request gives none; null for none. */
  private final String authorization;

  public Api(int port) {
    this(port, null);
  }

  private Api(int port, String authorization) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.authorization = authorization;
  }

  /** The same API, calling with {@code authorization} (e.g. {@code Bearer <token>}) unless a request sets its own. */
  public Api as(String authorization) {
    return new Api(port, authorization);
  }

  public int port() {
    return port;
  }

  public static String encode(String queryValue) {
    return URLEncoder.encode(queryValue, StandardCharsets.UTF_8);
  }

  public static String messagesPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }

  /** {@code /v1/subscribe?channel=...&channel=...} followed by {@code &query} unless empty. */
  public static String subscribePath(List<String> channels, String query) {
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

  /** {@code GET} with headers given as name, value, name, value... */
  public Reply get(String pathAndQuery, String... headers) {
    return send("GET", pathAndQuery, null, headers);
  }

  /** {@code GET} that may be held (a long poll); the caller bounds its wait. */
  public CompletableFuture<Reply> getAsync(String pathAndQuery, String... headers) {
    return sendAsync("GET", pathAndQuery, null, headers);
  }

  /** Sends {@code method} with {@code body} (none when null) and headers given as name, value, name, value... */
  public Reply send(String method, String pathAndQuery, byte[] body, String... headers) {
    return join(sendAsync(method, pathAndQuery, body, headers), method + " " + pathAndQuery);
  }

  public CompletableFuture<Reply> sendAsync(String method, String pathAndQuery, byte[] body, String... headers) {
    return sendWith(method, pathAndQuery,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  /** {@code POST /v1/channels/{channel}/messages} with {@code data} as UTF-8. */
  public Reply publish(String channel, String data, String... headers) {
    return publish(channel, "", data.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Publishes raw bytes; {@code query} is appended after a {@code ?} unless empty. */
  public Reply publish(String channel, String query, byte[] body, String... headers) {
    return send("POST", withQuery(messagesPath(channel), query), body, headers);
  }

  /** Publishes {@code data} as UTF-8 with the event type {@code event} ({@code ?event=...}). */
  public Reply publishEvent(String channel, String event, String data) {
    return publish(channel, "event=" + encode(event), data.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes {@code body} without a Content-Length: the client sends it chunked. */
  public Reply publishChunked(String channel, byte[] body) {
    return join(sendWith("POST", messagesPath(channel),
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), "chunked publish");
  }

  /** Publishes {@code data} and returns the answer's JSON, asserting a 201. */
  public JsonNode published(String channel, String data) {
    return publish(channel, data).expectJson(201);
  }

  /** Publishes {@code data} and returns the id of the stored message, asserting a 201. */
  public String publishedId(String channel, String data) {
    return published(channel, data).path("id").asText();
  }

  /** Publishes {@code data} with the event type {@code event} and returns its id, asserting a 201. */
  public String publishedId(String channel, String event, String data) {
    return publishEvent(channel, event, data).expectJson(201).path("id").asText();
  }

  /** {@code GET /v1/channels/{channel}/messages}; {@code query} is appended after a {@code ?} unless empty; headers as name, value... */
  public Reply read(String channel, String query, String... headers) {
    return get(withQuery(messagesPath(channel), query), headers);
  }

  public CompletableFuture<Reply> readAsync(String channel, String query) {
    return getAsync(withQuery(messagesPath(channel), query));
  }

  /** Every retained message of {@code channel}, oldest first, read page by page from the earliest. */
  public List<JsonNode> readAll(String channel) {
    List<JsonNode> all = new ArrayList<>();
    JsonNode page = read(channel, "from=earliest&limit=1000").expectJson(200);
    while (page.path("messages").size() > 0) {
      page.path("messages").forEach(all::add);
      page = read(channel, "after=" + page.path("next").asText() + "&limit=1000").expectJson(200);
    }
    return all;
  }

  /**
   * How many subscribers of {@code transport} ({@code "long-poll"}, {@code "sse"}, {@code "ws"})
   * the server counts on {@code channel} (0 when it does not know the channel).
   */
  public int subscribers(String channel, String transport) {
    Reply described = get("/v1/channels/" + channel);
    if (described.status() == 404) {
      return 0;
    }
    return described.expectJson(200).path("subscribers").path(transport).asInt();
  }

  /** Waits, at most 10 s, until the server counts exactly {@code count} subscribers of {@code transport} on {@code channel}. */
  public void awaitSubscribers(String channel, String transport, int count) {
    awaitSubscribers(channel, transport, count, SUBSCRIBER_WAIT);
  }

  /** Waits, at most {@code bound}, until the server counts exactly {@code count} subscribers of {@code transport} on {@code channel}. */
  public void awaitSubscribers(String channel, String transport, int count, Duration bound) {
    await("server counts " + count + " " + transport + " subscribers on " + channel)
        .atMost(bound)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(subscribers(channel, transport)).isEqualTo(count));
  }

  private static String withQuery(String path, String query) {
    return path + (query.isEmpty() ? "" : "?" + query);
  }

  private CompletableFuture<Reply> sendWith(
      String method, String pathAndQuery, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .method(method, body);
    boolean authorizationGiven = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
      authorizationGiven |= headers[i].equalsIgnoreCase("Authorization");
    }
    if (authorization != null && !authorizationGiven) {
      request.header("Authorization", authorization);
    }
    String shown = method + " " + pathAndQuery;
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Reply(shown, response.statusCode(), response.headers(), response.body()));
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
}

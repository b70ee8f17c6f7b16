package io.switchboard.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The small HTTP client behind {@code publish}, {@code read} and {@code job}: JDK HttpClient, JSON answers. */
final class ServerClient {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final String URL_ENV = "SWITCHBOARD_URL";
  static final String TOKEN_ENV = "SWITCHBOARD_TOKEN";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A failed call, already phrased for the terminal. */
  static final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CallFailed(String message) {
      super(message);
    }
  }

  /**
   * @param url the server's URL; null for $SWITCHBOARD_URL or the default
   * @param token the bearer token; null for $SWITCHBOARD_TOKEN or none
   */
  ServerClient(String url, String token) throws CallFailed {
    this.token = Optional.ofNullable(token != null ? token : System.getenv(TOKEN_ENV)).map(String::trim).filter(text -> !text.isEmpty());
    String chosen = url != null ? url : System.getenv().getOrDefault(URL_ENV, DEFAULT_URL);
    try {
      URI uri = URI.create(chosen.endsWith("/") ? chosen.substring(0, chosen.length() - 1) : chosen);
      if (uri.getScheme() == null || uri.getHost() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      this.base = uri;
    } catch (IllegalArgumentException invalid) {
      throw new CallFailed("invalid --url " + chosen + ": " + invalid.getMessage());
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  URI webSocketUri(String path) {
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    return URI.create(scheme + "://" + base.getRawAuthority() + path);
  }

  /** Adds the token, if there is one, as {@code Authorization: Bearer}. */
  HttpRequest.Builder authorized(HttpRequest.Builder request) {
    token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
    return request;
  }

  /** Adds the token, if there is one, to the WebSocket handshake. */
  WebSocket.Builder authorized(WebSocket.Builder handshake) {
    token.ifPresent(value -> handshake.header("Authorization", "Bearer " + value));
    return handshake;
  }

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A call's status and JSON body (a missing node when the body is empty, as with 204). */
  record Answer(int status, JsonNode body) {}

  JsonNode send(HttpRequest.Builder request, String pathAndQuery, Duration timeout) throws CallFailed {
    return exchange(request, pathAndQuery, timeout).body();
  }

  /**
   * Sends and reads the answer.
   *
   * @throws CallFailed for a 4xx or 5xx answer, naming its title and detail, or when the server cannot be reached
   */
  Answer exchange(HttpRequest.Builder request, String pathAndQuery, Duration timeout) throws CallFailed {
    URI uri = URI.create(base + pathAndQuery);
    HttpResponse<String> response;
    try {
      response = http.send(authorized(request).uri(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException refused) {
      throw new CallFailed("cannot connect to " + base + " (is the server running? start it with ./switchboard serve)");
    } catch (IOException failed) {
      throw new CallFailed("request to " + uri + " failed: " + failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new CallFailed("interrupted");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException notJson) {
      throw new CallFailed("the server at " + base + " answered " + response.statusCode() + " with something that is not JSON");
    }
    if (response.statusCode() >= 400) {
      throw refusal(response.statusCode(), body);
    }
    return new Answer(response.statusCode(), body);
  }

  /** A 4xx or 5xx answer with its problem body, phrased for the terminal. */
  static CallFailed refusal(int status, String problemJson) {
    try {
      return refusal(status, JSON.readTree(problemJson));
    } catch (IOException notJson) {
      return new CallFailed(status + " (the answer is not a problem document)");
    }
  }

  private static CallFailed refusal(int status, JsonNode problem) {
    return new CallFailed(status + " " + problem.path("title").asText("") + ": " + problem.path("detail").asText(""));
  }

  static void printJson(PrintWriter out, JsonNode node) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException impossible) {
      out.println(node);
    }
  }
}

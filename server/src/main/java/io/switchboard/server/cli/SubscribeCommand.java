package io.switchboard.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard subscribe}: prints messages as they arrive, over the transport chosen with
 * {@code --via}: a terminal demonstration of push (sse, ws), long polling and short polling.
 */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the messages of a channel or pattern as they arrive, until interrupted (Ctrl-C).",
      "--via picks the pattern: sse (Server-Sent Events), ws (WebSocket), long-poll, or poll (short polling)."
    })
final class SubscribeCommand implements Callable<Integer> {
  enum Via { sse, ws, long_poll, poll }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHANNEL_OR_PATTERN", description = "A channel (orders.42) or a pattern (orders.*, orders.>).")
  String target;

  @Option(names = "--via", paramLabel = "sse|ws|long-poll|poll", converter = ViaConverter.class,
      description = "Transport (default sse).")
  Via via = Via.sse;

  @Option(names = "--after", paramLabel = "CURSOR", description = "Resume after this cursor: a message id for a channel, a stream cursor for a pattern.")
  String after;

  @Option(names = "--from", paramLabel = "earliest|latest", description = "Without --after: start at the oldest retained messages, or now (default).")
  String from;

  @Option(names = "--interval", paramLabel = "SECONDS", description = "Seconds between short polls (default 1).")
  int intervalSeconds = 1;

  @Mixin ServerOption server;

  /** Picocli cannot map "long-poll" to an enum constant by itself. */
  static final class ViaConverter implements picocli.CommandLine.ITypeConverter<Via> {
    @Override
    public Via convert(String value) {
      return switch (value) {
        case "sse" -> Via.sse;
        case "ws" -> Via.ws;
        case "long-poll" -> Via.long_poll;
        case "poll" -> Via.poll;
        default -> throw new picocli.CommandLine.TypeConversionException("use sse, ws, long-poll or poll, not " + value);
      };
    }
  }

  @Override
  public Integer call() {
    try {
      ServerClient client = server.client();
      switch (via) {
        case sse -> streamEvents(client);
        case ws -> webSocket(client);
        case long_poll, poll -> poll(client);
      }
      return ExitCodes.OK;
    } catch (ServerClient.CallFailed failed) {
      spec.commandLine().getErr().println("switchboard: " + failed.getMessage());
      return ExitCodes.FAILED;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    }
  }

  private boolean isPattern() {
    return target.contains("*") || target.contains(">");
  }

  /** A channel reads its own messages endpoint; a pattern reads /v1/subscribe. */
  private String readPath(String cursor, Integer waitSeconds) {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    String base;
    if (isPattern()) {
      base = "/v1/subscribe";
      query.add("channel=" + ServerClient.segment(target));
    } else {
      base = "/v1/channels/" + ServerClient.segment(target) + "/messages";
    }
    if (cursor != null) {
      query.add("after=" + ServerClient.segment(cursor));
    } else if (from != null) {
      query.add("from=" + ServerClient.segment(from));
    }
    if (waitSeconds != null) {
      query.add("wait=" + waitSeconds);
    }
    return base + query;
  }

  private void poll(ServerClient client) throws ServerClient.CallFailed, InterruptedException {
    String cursor = after;
    boolean longPoll = via == Via.long_poll;
    while (!Thread.currentThread().isInterrupted()) {
      JsonNode answer = client.send(HttpRequest.newBuilder().GET(), readPath(cursor, longPoll ? 30 : null), Duration.ofSeconds(60));
      if (answer.path("truncated").asBoolean()) {
        spec.commandLine().getErr().println("switchboard: history was truncated: some messages are no longer retained");
      }
      answer.path("messages").forEach(this::print);
      cursor = answer.path("next").asText();
      if (!longPoll) {
        Thread.sleep(Duration.ofSeconds(Math.max(1, intervalSeconds)).toMillis());
      }
    }
  }

  private void streamEvents(ServerClient client) throws ServerClient.CallFailed {
    URI uri = client.uri(readPath(after, null));
    HttpRequest request = client.authorized(HttpRequest.newBuilder(uri)).header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException failed) {
      throw new ServerClient.CallFailed("cannot open the event stream at " + uri + ": " + failed.getMessage());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return;
    }
    if (response.statusCode() != 200) {
      try (InputStream problem = response.body()) {
        throw ServerClient.refusal(response.statusCode(), new String(problem.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException unreadable) {
        throw new ServerClient.CallFailed("the server answered " + response.statusCode() + " to " + uri);
      }
    }
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String event = null;
      StringBuilder data = new StringBuilder();
      String id = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            printEvent(id, event, data.substring(0, data.length() - 1));
          }
          event = null;
          id = null;
          data.setLength(0);
        } else if (line.startsWith("data:")) {
          data.append(fieldValue(line)).append('\n');
        } else if (line.startsWith("event:")) {
          event = fieldValue(line);
        } else if (line.startsWith("id:")) {
          id = fieldValue(line);
        }
      }
    } catch (IOException closed) {
      spec.commandLine().getErr().println("switchboard: the stream ended: " + closed.getMessage());
    }
  }

  private void printEvent(String id, String event, String data) {
    PrintWriter out = spec.commandLine().getOut();
    if (event != null && event.startsWith("switchboard.")) {
      spec.commandLine().getErr().println("switchboard: " + event + " " + data);
    } else if (isPattern()) {
      try {
        print(JSON.readTree(data));
      } catch (IOException notJson) {
        out.println(data);
      }
    } else {
      out.println(id + (event == null ? "" : "  [" + event + "]") + "  " + data);
    }
    out.flush();
  }

  private void webSocket(ServerClient client) throws ServerClient.CallFailed, InterruptedException {
    URI uri = client.webSocketUri("/v1/ws");
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket socket;
    try {
      socket = client.authorized(HttpClient.newHttpClient().newWebSocketBuilder()).buildAsync(uri, new WebSocket.Listener() {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence text, boolean last) {
          partial.append(text);
          if (last) {
            onFrame(partial.toString());
            partial.setLength(0);
          }
          webSocket.request(1);
          return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
          spec.commandLine().getErr().println("switchboard: the server closed the connection (" + code + "): " + reason);
          closed.complete(null);
          return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
          closed.completeExceptionally(error);
        }
      }).join();
    } catch (RuntimeException failed) {
      throw new ServerClient.CallFailed("cannot open a WebSocket to " + uri + ": " + failed.getMessage());
    }
    ObjectNode subscribe = JSON.createObjectNode().put("op", "subscribe").put("channel", target);
    if (after != null) {
      subscribe.put("after", after);
    } else if (from != null) {
      subscribe.put("from", from);
    }
    socket.sendText(subscribe.toString(), true);
    try {
      closed.join();
    } catch (RuntimeException failed) {
      throw new ServerClient.CallFailed("the WebSocket failed: " + failed.getMessage());
    }
  }

  private void onFrame(String text) {
    try {
      JsonNode frame = JSON.readTree(text);
      switch (frame.path("op").asText()) {
        case "message" -> print(frame);
        case "error", "truncated" -> spec.commandLine().getErr().println("switchboard: " + text);
        default -> { }
      }
    } catch (IOException notJson) {
      spec.commandLine().getErr().println("switchboard: unreadable frame: " + text);
    }
  }

  private void print(JsonNode message) {
    PrintWriter out = spec.commandLine().getOut();
    String time = Instant.ofEpochMilli(message.path("time").asLong()).toString();
    String event = message.has("event") ? "  [" + message.path("event").asText() + "]" : "";
    out.println(message.path("channel").asText() + "  " + message.path("id").asText() + "  " + time + event + "  " + message.path("data").asText());
    out.flush();
  }

  private static String fieldValue(String line) {
    int colon = line.indexOf(':');
    String value = line.substring(colon + 1);
    return value.startsWith(" ") ? value.substring(1) : value;
  }
}

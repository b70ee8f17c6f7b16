package io.switchboard.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard read CHANNEL}: one short poll, or one long poll with {@code --wait}. */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    description = {
      "Reads CHANNEL once: what is after --after (short polling), or waits up to --wait seconds",
      "for news (long polling). Prints one line per message, then the cursor to pass as --after next."
    })
final class ReadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHANNEL", description = "Channel name.")
  String channel;

  @Option(names = "--after", paramLabel = "CURSOR", description = "Read after this cursor (a message id or a previous next).")
  String after;

  @Option(names = "--from", paramLabel = "earliest|latest", description = "Without --after: start at the oldest retained message, or at the end (default).")
  String from;

  @Option(names = "--wait", paramLabel = "SECONDS", description = "Long poll: hold up to this many seconds (1-60) until news arrives.")
  Integer waitSeconds;

  @Option(names = "--limit", paramLabel = "N", description = "At most N messages (1-1000, default 100).")
  Integer limit;

  @Mixin ServerOption server;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      ServerClient client = server.client();
      StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
      if (after != null) {
        query.add("after=" + ServerClient.segment(after));
      }
      if (from != null) {
        query.add("from=" + ServerClient.segment(from));
      }
      if (waitSeconds != null) {
        query.add("wait=" + waitSeconds);
      }
      if (limit != null) {
        query.add("limit=" + limit);
      }
      Duration timeout = Duration.ofSeconds(30 + (waitSeconds == null ? 0 : Math.max(0, waitSeconds)));
      JsonNode answer = client.send(HttpRequest.newBuilder().GET(), "/v1/channels/" + ServerClient.segment(channel) + "/messages" + query, timeout);
      if (json) {
        ServerClient.printJson(out, answer);
      } else {
        printHuman(out, answer);
      }
      return ExitCodes.OK;
    } catch (ServerClient.CallFailed failed) {
      spec.commandLine().getErr().println("switchboard: " + failed.getMessage());
      return ExitCodes.FAILED;
    }
  }

  private void printHuman(PrintWriter out, JsonNode answer) {
    if (answer.path("truncated").asBoolean()) {
      spec.commandLine().getErr().println("switchboard: history was truncated: messages before "
          + answer.path("earliest").asText() + " are no longer retained");
    }
    for (JsonNode message : answer.path("messages")) {
      String time = Instant.ofEpochMilli(message.path("time").asLong()).toString();
      String event = message.has("event") ? " [" + message.path("event").asText() + "]" : "";
      out.println(message.path("id").asText() + "  " + time + event + "  " + message.path("data").asText());
    }
    out.println("next: " + answer.path("next").asText());
  }
}

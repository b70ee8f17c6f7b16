package io.switchboard.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard publish CHANNEL DATA}: one request-response publish. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publishes DATA to CHANNEL and prints the stored message's id.")
final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHANNEL", description = "Channel name, e.g. orders.42.")
  String channel;

  @Parameters(index = "1", paramLabel = "DATA", description = "Message text; - reads it from standard input.")
  String data;

  @Mixin ServerOption server;

  @Option(names = "--event", paramLabel = "NAME", description = "Event type of the message.")
  String event;

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Makes a retried publish return the first id.")
  String idempotencyKey;

  @Override
  public Integer call() {
    try {
      ServerClient client = server.client();
      String body = data.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : data;
      HttpRequest.Builder request = HttpRequest.newBuilder()
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .header("Content-Type", "text/plain; charset=utf-8");
      if (idempotencyKey != null) {
        request.header("Idempotency-Key", idempotencyKey);
      }
      String query = event == null ? "" : "?event=" + ServerClient.segment(event);
      JsonNode answer = client.send(request, "/v1/channels/" + ServerClient.segment(channel) + "/messages" + query, Duration.ofSeconds(30));
      ServerClient.printJson(spec.commandLine().getOut(), answer);
      return ExitCodes.OK;
    } catch (ServerClient.CallFailed failed) {
      spec.commandLine().getErr().println("switchboard: " + failed.getMessage());
      return ExitCodes.FAILED;
    } catch (IOException stdin) {
      spec.commandLine().getErr().println("switchboard: cannot read standard input: " + stdin.getMessage());
      return ExitCodes.FAILED;
    }
  }
}

package io.switchboard.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.SwitchboardServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml describes exactly the endpoints the server serves, with the methods it allows. */
class OpenApiDocumentTest {
  private static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml");
  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private static SwitchboardServer server;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServer() {
    server = SwitchboardServer.start(ServerFixture.testDefaults());
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @Test
  void everyDocumentedOperationIsServedAndEveryOtherMethodIsRefused() throws Exception {
    JsonNode paths = new YAMLMapper().readTree(OPENAPI.toFile()).get("paths");
    // The channel must exist for GET /v1/channels/{channel} to be served rather than 404.
    assertThat(send("post", "/v1/channels/docs.check/messages")).isEqualTo(201);
    List<String> checked = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : METHODS) {
        // Each operation gets a session or job of its own, so that a DELETE leaves the next check one to find.
        String id = path.getKey().startsWith("/v1/jobs/") ? newJob() : newSession();
        String concrete = path.getKey().replace("{channel}", "docs.check").replace("{queue}", "docs-check").replace("{id}", id);
        int status = send(method, concrete);
        if (path.getValue().has(method)) {
          assertThat(status).as("%s %s is served", method, path.getKey()).isNotIn(404, 405);
          assertThat(path.getValue().get(method).get("responses").fieldNames())
              .toIterable().as("documented statuses of %s %s", method, path.getKey()).contains(String.valueOf(status));
        } else {
          assertThat(status).as("%s %s is refused", method, path.getKey()).isEqualTo(405);
        }
        checked.add(method + " " + path.getKey());
      }
    }
    assertThat(checked).hasSize(METHODS.size() * 19);
  }

  private static String newSession() throws Exception {
    HttpRequest create = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/sessions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":[\"docs.check\"]}"))
        .build();
    HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    return new YAMLMapper().readTree(created.body()).get("id").asText();
  }

  private static String newJob() throws Exception {
    HttpRequest submit = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/queues/docs-jobs/jobs"))
        .POST(HttpRequest.BodyPublishers.ofString("x"))
        .build();
    HttpResponse<String> submitted = http.send(submit, HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).isEqualTo(202);
    return new YAMLMapper().readTree(submitted.body()).get("id").asText();
  }

  private static int send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method.toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.ofString("x"))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths outside the API are 404 problems; wrong methods on API paths are 405 problems with Allow. */
class UnknownPathAndMethodTest {
  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  private final Api api = server.api();

  @ParameterizedTest(name = "GET {0}")
  @ValueSource(strings = {"/v2/x", "/v1/channels/a/b/c", "/", "/v1", "/v1/channels/a/messages/extra", "/health"})
  void unknownPathIsA404Problem(String path) {
    String detail = api.get(path).expectProblem(404);

    assertThat(detail).contains(path);
  }

  @ParameterizedTest(name = "POST {0}")
  @ValueSource(strings = {"/v2/x", "/v1/channels/a/b/c"})
  void unknownPathIsA404ProblemForAnyMethod(String path) {
    api.send("POST", path, new byte[] {'x'}).expectProblem(404);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "DELETE, /v1/channels/a/messages, 'GET, POST'",
      "PUT,    /v1/channels/a/messages, 'GET, POST'",
      "POST,   /v1/channels,            GET",
      "PUT,    /v1/channels/a,          'GET, DELETE'",
      "POST,   /health/live,            GET",
      "POST,   /health/ready,           GET"})
  void wrongMethodIsA405ProblemNamingTheAllowedMethods(String method, String path, String allowed) {
    Reply reply = api.send(method, path, method.equals("DELETE") ? null : new byte[] {'x'});

    String detail = reply.expectProblem(405);

    assertThat(reply.header("Allow")).isEqualTo(allowed);
    assertThat(detail).contains(method);
  }
}

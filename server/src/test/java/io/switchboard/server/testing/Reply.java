package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer as a test sees it: status, headers and body, with the body parsed as JSON on
 * demand and a check for the problem answers (RFC 9457) the API promises for every error.
 */
public record Reply(String request, int status, HttpHeaders headers, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      throw new UncheckedIOException("the answer to " + request + " is not JSON: " + text(), notJson);
    }
  }

  /** The first value of header {@code name}, or null. */
  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** Asserts the status and returns this reply, showing the body when the status is not the expected one. */
  public Reply expect(int expectedStatus) {
    assertThat(status).as("status of %s; body: %s", request, text()).isEqualTo(expectedStatus);
    return this;
  }

  /** Asserts a JSON answer with {@code expectedStatus} and returns its body. */
  public JsonNode expectJson(int expectedStatus) {
    expect(expectedStatus);
    assertThat(header("Content-Type")).as("Content-Type of %s", request).startsWith("application/json");
    return json();
  }

  /**
   * Asserts an {@code application/problem+json} answer with {@code expectedStatus} and a complete
   * body (type, title, matching status, non-empty detail), and returns its detail.
   */
  public String expectProblem(int expectedStatus) {
    expect(expectedStatus);
    assertThat(header("Content-Type")).as("Content-Type of %s", request).startsWith("application/problem+json");
    JsonNode problem = json();
    assertThat(problem.path("type").asText()).as("problem type of %s", request).isNotBlank();
    assertThat(problem.path("title").asText()).as("problem title of %s", request).isNotBlank();
    assertThat(problem.path("status").isInt()).as("problem status of %s is a number: %s", request, text()).isTrue();
    assertThat(problem.path("status").asInt()).as("problem status of %s", request).isEqualTo(expectedStatus);
    String detail = problem.path("detail").asText();
    assertThat(detail).as("problem detail of %s", request).isNotBlank();
    return detail;
  }
}

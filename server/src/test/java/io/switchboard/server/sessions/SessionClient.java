package io.switchboard.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The session endpoints ({@code /v1/sessions...}) on top of {@link Api}: one method per call a
 * test makes, answering the {@link Reply} as it came, plus a few that also assert the success
 * status and hand back the part a test goes on with.
 */
final class SessionClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Api api;

  SessionClient(Api api) {
    this.api = api;
  }

  static String sessionPath(String id) {
    return "/v1/sessions/" + id;
  }

  static String messagesPath(String id) {
    return sessionPath(id) + "/messages";
  }

  /** {@code {"channels":[...]}} as JSON text. */
  static String channelsBody(List<String> channels) {
    ObjectNode body = JSON.createObjectNode();
    channels.forEach(body.putArray("channels")::add);
    return body.toString();
  }

  /** {@code {"id": cursor}} as JSON text. */
  static String ackBody(String cursor) {
    return JSON.createObjectNode().put("id", cursor).toString();
  }

  /** {@code POST /v1/sessions} with {@code body} sent as it is. */
  Reply create(String body) {
    return create(body.getBytes(StandardCharsets.UTF_8));
  }

  Reply create(byte[] body) {
    return api.send("POST", "/v1/sessions", body, "Content-Type", "application/json");
  }

  /** Creates a session on {@code channels} and returns its JSON, asserting a 201. */
  JsonNode created(String... channels) {
    return create(channelsBody(List.of(channels))).expectJson(201);
  }

  /** Creates a session on {@code channels} and returns its id, asserting a 201. */
  String createdId(String... channels) {
    return created(channels).path("id").asText();
  }

  /** {@code GET /v1/sessions/{id}}. */
  Reply describe(String id) {
    return api.get(sessionPath(id));
  }

  /** The session's {@code cursor}: its acknowledged position, asserting a 200. */
  String acknowledged(String id) {
    return describe(id).expectJson(200).path("cursor").asText();
  }

  /** {@code GET /v1/sessions/{id}/messages}; {@code query} follows a {@code ?} unless empty. */
  Reply read(String id, String query) {
    return api.get(withQuery(messagesPath(id), query));
  }

  /** A read that may be held (a long poll); the caller bounds its wait. */
  CompletableFuture<Reply> readAsync(String id, String query) {
    return api.getAsync(withQuery(messagesPath(id), query));
  }

  /** A page of the session's messages, asserting a 200. */
  JsonNode page(String id, String query) {
    return read(id, query).expectJson(200);
  }

  /** {@code POST /v1/sessions/{id}/ack} with {@code body} sent as it is. */
  Reply ack(String id, byte[] body) {
    return api.send("POST", sessionPath(id) + "/ack", body, "Content-Type", "application/json");
  }

  /** Acknowledges up to {@code cursor}; returns the reply for the test to check. */
  Reply ack(String id, String cursor) {
    return ack(id, ackBody(cursor).getBytes(StandardCharsets.UTF_8));
  }

  /** Acknowledges up to {@code cursor}, asserting a 204. */
  void acked(String id, String cursor) {
    ack(id, cursor).expect(204);
  }

  /** {@code DELETE /v1/sessions/{id}}. */
  Reply delete(String id) {
    return api.send("DELETE", sessionPath(id), null);
  }

  /** The {@code data} of each message of a page, in order. */
  static List<String> data(JsonNode page) {
    return page.path("messages").findValuesAsText("data");
  }

  /** The {@code id} of each message of a page, in order. */
  static List<String> ids(JsonNode page) {
    return page.path("messages").findValuesAsText("id");
  }

  private static String withQuery(String path, String query) {
    return path + (query.isEmpty() ? "" : "?" + query);
  }
}

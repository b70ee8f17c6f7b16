package io.switchboard.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The job endpoints ({@code /v1/queues/...} and {@code /v1/jobs/...}) on top of {@link Api}: one
 * method per call a test makes, answering the {@link Reply} as it came, plus a few that also
 * assert the success status and hand back the part a test goes on with. Public because the
 * restart tests in {@code durability} drive jobs too.
 */
public final class JobClient {
  /** The header in which a worker presents its lease token. */
  public static final String LEASE = "Switchboard-Lease";

  private final Api api;

  public JobClient(Api api) {
    this.api = api;
  }

  /** What a claim hands a worker. */
  public record Claim(String id, String queue, String data, int attempt, int attempts, String lease, long leaseExpires) {
    static Claim of(JsonNode json) {
      return new Claim(json.path("id").asText(), json.path("queue").asText(), json.path("data").asText(),
          json.path("attempt").asInt(), json.path("attempts").asInt(), json.path("lease").asText(),
          json.path("leaseExpires").asLong());
    }
  }

  public static String jobPath(String id) {
    return "/v1/jobs/" + id;
  }

  public static String jobsPath(String queue) {
    return "/v1/queues/" + queue + "/jobs";
  }

  public static String claimPath(String queue) {
    return "/v1/queues/" + queue + "/claim";
  }

  /** {@code POST /v1/queues/{queue}/jobs[?query]} with {@code data} as UTF-8 and headers as name, value... */
  public Reply submit(String queue, String query, String data, String... headers) {
    return submit(queue, query, data.getBytes(StandardCharsets.UTF_8), headers);
  }

  public Reply submit(String queue, String query, byte[] body, String... headers) {
    return api.send("POST", withQuery(jobsPath(queue), query), body, headers);
  }

  /** A submission that may be held ({@code Prefer: wait}); the caller bounds its wait. */
  public CompletableFuture<Reply> submitAsync(String queue, String query, String data, String... headers) {
    return api.sendAsync("POST", withQuery(jobsPath(queue), query), data.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Submits {@code data} and returns the queued job, asserting a 202. */
  public JsonNode submitted(String queue, String query, String data) {
    return submit(queue, query, data).expectJson(202);
  }

  /** Submits {@code data} with the defaults and returns the job's id, asserting a 202. */
  public String submittedId(String queue, String data) {
    return submitted(queue, "", data).path("id").asText();
  }

  /** {@code GET /v1/jobs/{id}[?query]}. */
  public Reply status(String id, String query) {
    return api.get(withQuery(jobPath(id), query));
  }

  /** A status request that may be held ({@code ?wait=}); the caller bounds its wait. */
  public CompletableFuture<Reply> statusAsync(String id, String query) {
    return api.getAsync(withQuery(jobPath(id), query));
  }

  /** The job's status view, asserting a 200. */
  public JsonNode job(String id) {
    return status(id, "").expectJson(200);
  }

  /** The job's {@code status} field, asserting a 200. */
  public String statusOf(String id) {
    return job(id).path("status").asText();
  }

  /** {@code GET /v1/queues/{queue}}, asserting a 200. */
  public JsonNode counts(String queue) {
    return api.get("/v1/queues/" + queue).expectJson(200);
  }

  /** {@code POST /v1/queues/{queue}/claim[?query]}. */
  public Reply claim(String queue, String query) {
    return api.send("POST", withQuery(claimPath(queue), query), null);
  }

  /** A claim that may be held ({@code ?wait=}); the caller bounds its wait. */
  public CompletableFuture<Reply> claimAsync(String queue, String query) {
    return api.sendAsync("POST", withQuery(claimPath(queue), query), null);
  }

  /** Claims the next job of {@code queue}, asserting a 200. */
  public Claim claimed(String queue, String query) {
    return Claim.of(claim(queue, query).expectJson(200));
  }

  public Claim claimed(String queue) {
    return claimed(queue, "");
  }

  /** {@code POST /v1/jobs/{id}/complete} with the lease token (none when null) and {@code result}. */
  public Reply complete(String id, String lease, String result) {
    return complete(id, lease, result.getBytes(StandardCharsets.UTF_8));
  }

  public Reply complete(String id, String lease, byte[] result) {
    return workerCall(id, "complete", "", lease, result);
  }

  /** Completes the claimed job with {@code result} and returns it, asserting a 200. */
  public JsonNode completed(Claim claim, String result) {
    return complete(claim.id(), claim.lease(), result).expectJson(200);
  }

  /** {@code POST /v1/jobs/{id}/fail[?query]} with the lease token (none when null) and {@code error}. */
  public Reply fail(String id, String lease, String query, String error) {
    return fail(id, lease, query, error.getBytes(StandardCharsets.UTF_8));
  }

  public Reply fail(String id, String lease, String query, byte[] error) {
    return workerCall(id, "fail", query, lease, error);
  }

  /** {@code POST /v1/jobs/{id}/heartbeat[?query]} with the lease token (none when null). */
  public Reply heartbeat(String id, String lease, String query) {
    return workerCall(id, "heartbeat", query, lease, null);
  }

  private Reply workerCall(String id, String action, String query, String lease, byte[] body) {
    String path = withQuery(jobPath(id) + "/" + action, query);
    return lease == null ? api.send("POST", path, body) : api.send("POST", path, body, LEASE, lease);
  }

  private static String withQuery(String path, String query) {
    return path + (query.isEmpty() ? "" : "?" + query);
  }
}

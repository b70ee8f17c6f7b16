package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Empties a run's channels before anyone subscribes, for a target whose subscriptions without a
 * cursor start with what the channel already holds ({@link Target#clearPath}): otherwise a second
 * run against the same server would deliver the first run's messages again, as duplicates. A
 * target whose subscriptions start from now needs nothing, and nothing is sent to it.
 */
final class EmptyChannels {
  /** Connections the DELETEs share; they are sent all at once and queue for these. */
  private static final int CONNECTIONS = 8;

  private EmptyChannels() {}

  /**
   * Sends a {@code DELETE} of every channel of {@code plan} that its target can clear; completes once
   * each was answered 200 or 404 (there was nothing to clear), or fails naming the first channel
   * answered otherwise.
   */
  static Future<Void> clear(Vertx vertx, SubscriberPlan plan) {
    List<String> paths = new ArrayList<>();
    for (int channel = 0; channel < plan.channels(); channel++) {
      plan.target().clearPath(plan.channelName(channel)).ifPresent(paths::add);
    }
    if (paths.isEmpty()) {
      return Future.succeededFuture();
    }
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    List<Future<Void>> cleared = paths.stream().map(path -> clear(client, plan.bench(), path)).toList();
    return Future.all(cleared).<Void>mapEmpty().andThen(done -> client.close());
  }

  private static Future<Void> clear(HttpClientAgent client, BenchPlan bench, String path) {
    return client.request(new RequestOptions().setMethod(HttpMethod.DELETE).setHost(bench.host()).setPort(bench.port()).setURI(path))
        .compose(request -> request.send())
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .compose(status -> status == 200 || status == 404 ? Future.<Void>succeededFuture()
            : Future.failedFuture("DELETE " + path + " answered " + status + ", not 200 or 404: the channel could not be emptied"));
  }

}

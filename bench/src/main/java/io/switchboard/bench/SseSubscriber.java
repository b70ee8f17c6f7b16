package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * A subscriber on an event stream: one connection with one {@code GET} held open; subscribed once
 * the answer's headers have arrived with {@code 200}. Events are decoded with a line limit of the
 * message size plus room for the field name.
 */
final class SseSubscriber extends Subscriber {
  private HttpClientConnection connection;

  SseSubscriber(SubscriberGroup group, int channel) {
    super(group, channel);
  }

  @Override
  Future<Void> open() {
    SubscriberPlan plan = group.plan();
    return group.httpClient().connect(new HttpConnectOptions().setHost(plan.bench().host()).setPort(plan.bench().port()))
        .compose(opened -> {
          connection = opened;
          opened.closeHandler(closed -> ended("closed"));
          return opened.request(new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost(plan.bench().host())
              .setPort(plan.bench().port())
              .setURI(plan.target().streamPath(channelName))
              .putHeader("Accept", "text/event-stream"));
        })
        .compose(request -> request.send())
        .compose(this::onHeaders);
  }

  @Override
  Future<Void> closeConnection() {
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private Future<Void> onHeaders(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture("status " + response.statusCode());
    }
    EventStreamDecoder decoder = new EventStreamDecoder(group.plan().maxLineBytes(),
        event -> group.plan().target().messageData(event).ifPresentOrElse(this::deliver,
            () -> problem("event " + event.type())));
    response.handler(bytes -> {
      if (!decoder.feed(bytes)) {
        problem("event stream line over " + group.plan().maxLineBytes() + " bytes");
        connection.close();
      }
    });
    response.exceptionHandler(failure -> {
      if (!isClosing()) {
        problem("event stream: " + ClosedLoop.describe(failure));
      }
    });
    response.endHandler(end -> ended("the event stream ended"));
    return Future.succeededFuture();
  }
}

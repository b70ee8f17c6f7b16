package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Optional;

/**
 * A subscriber on a WebSocket: subscribed once the target's subscribe frame is acknowledged (or,
 * for a target that subscribes by the WebSocket's path, once the handshake is done).
 */
final class WsSubscriber extends Subscriber {
  private final String ref;
  private WebSocket webSocket;
  /** The subscription's acknowledgement while it is awaited; null before and after. */
  private Promise<Void> awaitingAck;

  WsSubscriber(SubscriberGroup group, int channel, int index) {
    super(group, channel);
    this.ref = "s" + index;
  }

  @Override
  Future<Void> open() {
    SubscriberPlan plan = group.plan();
    return group.webSocketClient().connect(new WebSocketConnectOptions()
            .setHost(plan.bench().host())
            .setPort(plan.bench().port())
            .setURI(plan.target().webSocketPath(channelName)))
        .compose(opened -> {
          webSocket = opened;
          opened.textMessageHandler(this::onFrame);
          opened.binaryMessageHandler(binary -> problem("binary frame"));
          opened.exceptionHandler(failure -> {
            if (!isClosing()) {
              problem("websocket: " + ClosedLoop.describe(failure));
            }
          });
          opened.closeHandler(closed -> ended("closed with " + opened.closeStatusCode()));
          Optional<String> subscribe = plan.target().subscribeFrame(channelName, ref);
          if (subscribe.isEmpty()) {
            return Future.succeededFuture();
          }
          awaitingAck = Promise.promise();
          Future<Void> acked = awaitingAck.future();
          return opened.writeTextMessage(subscribe.get()).compose(written -> acked);
        });
  }

  @Override
  Future<Void> closeConnection() {
    return webSocket == null ? Future.succeededFuture() : webSocket.close();
  }

  private void onFrame(String text) {
    Target.WsFrame frame = group.plan().target().decode(text);
    if (frame instanceof Target.WsFrame.Message message) {
      deliver(message.data());
    } else if (frame instanceof Target.WsFrame.Ack ack && awaitingAck != null && ack.ref().equals(ref)) {
      awaitingAck.complete();
      awaitingAck = null;
    } else if (frame instanceof Target.WsFrame.Problem problem) {
      if (awaitingAck != null) {
        awaitingAck.fail(problem.cause());
        awaitingAck = null;
      } else {
        problem(problem.cause());
      }
    }
  }
}

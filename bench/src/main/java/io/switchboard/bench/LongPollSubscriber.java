package io.switchboard.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * A long-polling subscriber: one keep-alive connection with one poll in flight, the next sent as
 * soon as the last is answered, from the position the answer gave. Subscribed once the first poll
 * is answered, for a target whose first poll answers at once with a position (Switchboard), or
 * else once it has been sent.
 *
 * <p>A failed poll is counted by cause and sent again from the same position after
 * {@value #PAUSE_AFTER_ERROR_MILLIS} ms, on a new connection when the old one was lost; so, unlike
 * the other transports, a long poller is reconnected, as its protocol intends.
 */
final class LongPollSubscriber extends Subscriber {
  private static final long PAUSE_AFTER_ERROR_MILLIS = 10;
  /** Longer than any wait the target asks for, so that a held poll is not cut short by the client. */
  private static final long POLL_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(SwitchboardTarget.WAIT_SECONDS + 15);

  private final Promise<Void> subscribed = Promise.promise();
  private Target.Poll poll;
  private HttpClientConnection connection;

  LongPollSubscriber(SubscriberGroup group, int channel) {
    super(group, channel);
    this.poll = group.plan().target().firstPoll(channelName);
  }

  @Override
  Future<Void> open() {
    next();
    return subscribed.future();
  }

  @Override
  Future<Void> closeConnection() {
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private void next() {
    if (isClosing()) {
      return;
    }
    if (connection == null) {
      connect();
      return;
    }
    SubscriberPlan plan = group.plan();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(plan.bench().host())
        .setPort(plan.bench().port())
        .setURI(poll.path())
        .setIdleTimeout(POLL_TIMEOUT_MILLIS);
    poll.headers().forEach(request::putHeader);
    Target.Poll sent = poll;
    connection.request(request)
        .compose(outgoing -> {
          Future<io.vertx.core.http.HttpClientResponse> answer = outgoing.send();
          if (!plan.target().firstPollAnswersAtOnce()) {
            subscribed.tryComplete();
          }
          return answer;
        })
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), response.headers(), body)))
        .onComplete(answer -> onAnswer(sent, answer));
  }

  private record Answer(int status, io.vertx.core.MultiMap headers, Buffer body) {}

  private void onAnswer(Target.Poll sent, AsyncResult<Answer> answer) {
    if (isClosing()) {
      return;
    }
    if (answer.failed()) {
      failed(ClosedLoop.describe(answer.cause()));
      return;
    }
    Target.PollAnswer decoded;
    try {
      decoded = group.plan().target().decode(sent, answer.result().status(), answer.result().headers(), answer.result().body());
    } catch (IllegalArgumentException refused) {
      failed("long poll: " + refused.getMessage());
      return;
    }
    subscribed.tryComplete();
    decoded.data().forEach(this::deliver);
    poll = decoded.next();
    next();
  }

  private void failed(String cause) {
    problem(cause);
    if (!subscribed.future().isComplete()) {
      subscribed.tryFail(cause);
      return;
    }
    group.vertx().setTimer(PAUSE_AFTER_ERROR_MILLIS, timer -> next());
  }

  private void connect() {
    SubscriberPlan plan = group.plan();
    group.httpClient().connect(new HttpConnectOptions().setHost(plan.bench().host()).setPort(plan.bench().port()))
        .onComplete(connected -> {
          if (connected.failed()) {
            failed("connect: " + ClosedLoop.describe(connected.cause()));
            return;
          }
          HttpClientConnection opened = connected.result();
          connection = opened;
          opened.closeHandler(closed -> {
            if (connection == opened) {
              connection = null;
            }
          });
          next();
        });
  }
}

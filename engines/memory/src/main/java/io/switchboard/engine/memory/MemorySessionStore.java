package io.switchboard.engine.memory;

import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.session.Session;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions in a map: they last as long as the process. */
final class MemorySessionStore implements SessionStore {
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> create(Session session) {
    sessions.put(session.id(), session);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<Session>> find(String id, long now) {
    return CompletableFuture.completedFuture(Optional.ofNullable(sessions.get(id)).filter(session -> !session.isExpiredAt(now)));
  }

  @Override
  public CompletionStage<Boolean> update(Session session) {
    return CompletableFuture.completedFuture(sessions.replace(session.id(), session) != null);
  }

  @Override
  public CompletionStage<Boolean> delete(String id) {
    return CompletableFuture.completedFuture(sessions.remove(id) != null);
  }

  @Override
  public CompletionStage<Integer> removeExpired(long now) {
    int before = sessions.size();
    sessions.values().removeIf(session -> session.isExpiredAt(now));
    return CompletableFuture.completedFuture(before - sessions.size());
  }
}

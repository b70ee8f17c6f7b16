package io.switchboard.engine.embedded;

import io.switchboard.core.engine.EngineException;
import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.session.Session;
import io.switchboard.engine.embedded.GroupCommit.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksDBException;

/**
 * Sessions in the store's {@code sessions} column family, with every live session also held in
 * memory (they are small, and idle expiry bounds their number), so that a lookup never waits for
 * the disk. A change is written through the group commit and its stage completes once durable.
 *
 * <p>Changes to one session are queued inside the map's per-key compute, so the disk sees them in
 * the order the map does.
 */
final class EmbeddedSessionStore implements SessionStore {
  private final Store store;
  private final GroupCommit commits;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  EmbeddedSessionStore(Store store, GroupCommit commits) {
    this.store = store;
    this.commits = commits;
  }

  /** Loads every stored session; called once at start-up. */
  void load() {
    try (ReadOptions options = new ReadOptions(); RocksIterator stored = store.db.newIterator(store.sessions, options)) {
      for (stored.seekToFirst(); stored.isValid(); stored.next()) {
        Session session;
        try {
          session = Session.decode(stored.value());
        } catch (IllegalArgumentException damaged) {
          throw new EngineException("data-dir " + store.dir() + " holds a session record this version cannot read: " + damaged.getMessage());
        }
        sessions.put(session.id(), session);
      }
      stored.status();
    } catch (RocksDBException failed) {
      throw new EngineException("reading sessions from data-dir " + store.dir() + " failed: " + failed.getMessage(), failed);
    }
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    sessions.compute(session.id(), (id, existing) -> {
      write(new Op.Put(store.sessions, key(id), session.encode()), durable, null);
      return session;
    });
    return durable;
  }

  @Override
  public CompletionStage<Optional<Session>> find(String id, long now) {
    return CompletableFuture.completedFuture(Optional.ofNullable(sessions.get(id)).filter(session -> !session.isExpiredAt(now)));
  }

  @Override
  public CompletionStage<Boolean> update(Session session) {
    CompletableFuture<Boolean> durable = new CompletableFuture<>();
    Session replaced = sessions.computeIfPresent(session.id(), (id, existing) -> {
      write(new Op.Put(store.sessions, key(id), session.encode()), durable, true);
      return session;
    });
    return replaced == null ? CompletableFuture.completedFuture(false) : durable;
  }

  @Override
  public CompletionStage<Boolean> delete(String id) {
    CompletableFuture<Boolean> durable = new CompletableFuture<>();
    boolean[] existed = {false};
    sessions.computeIfPresent(id, (key, existing) -> {
      existed[0] = true;
      write(new Op.Delete(store.sessions, key(key)), durable, true);
      return null;
    });
    return existed[0] ? durable : CompletableFuture.completedFuture(false);
  }

  @Override
  public CompletionStage<Integer> removeExpired(long now) {
    List<CompletableFuture<Boolean>> removals = sessions.values().stream()
        .filter(session -> session.isExpiredAt(now))
        .map(session -> {
          CompletableFuture<Boolean> durable = new CompletableFuture<>();
          boolean removed = sessions.computeIfPresent(session.id(), (id, current) -> {
            if (!current.isExpiredAt(now)) {
              return current;
            }
            write(new Op.Delete(store.sessions, key(id)), durable, true);
            return null;
          }) == null;
          return removed ? durable : CompletableFuture.completedFuture(false);
        })
        .toList();
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
        .thenApply(done -> (int) removals.stream().filter(CompletableFuture::join).count());
  }

  private <T> void write(Op op, CompletableFuture<T> durable, T value) {
    try {
      commits.submit(new GroupCommit.Write(List.of(op), () -> durable.complete(value), durable::completeExceptionally));
    } catch (EngineException refused) {
      durable.completeExceptionally(refused);
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.US_ASCII);
  }
}

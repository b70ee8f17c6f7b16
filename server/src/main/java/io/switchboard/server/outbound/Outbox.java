package io.switchboard.server.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * What one connection has waiting to be sent: the bounded outbound buffer every push transport
 * (event streams, WebSockets) puts in front of its socket.
 *
 * <p>Items are added on any thread (engine threads deliver) and written on the connection's
 * event loop: the first item added to an empty outbox schedules one drain (through the event loop's
 * {@link OutboxDrainer}, which drains every outbox a publish filled in one pass), and the drain
 * hands everything waiting to the {@link Sink} in chunks of up to {@value #CHUNK_BYTES} bytes, one
 * write and one flush per chunk however many messages a burst brought. The publisher never waits
 * for a socket.
 *
 * <p>Bounds and policy: the sink's own queue (Vert.x's write queue, or the channel's
 * outbound buffer for a sink that writes to it directly) holds at most half of
 * {@code maxBytes}; the rest waits here while the socket is full. {@link #isBackedUp} (anything
 * waiting beyond a quarter of {@code maxBytes}, or a full socket) tells a subscription to pause
 * history, and {@code onRoom} runs once there is room again. {@link #add} refuses an item that
 * would take the outbox over {@code maxBytes}: the caller then closes the connection as a slow
 * consumer. So a connection never holds more than about one and a half times {@code maxBytes}.
 *
 * @param <T> an encoded frame
 */
public final class Outbox<T> {
  static final int CHUNK_BYTES = 64 * 1024;

  /** Where the outbox writes; called on the connection's event loop only. */
  public interface Sink<T> {
    /** Writes these items, in order, as one write where the protocol allows. */
    void write(List<T> items);

    /** Whether the socket's own queue is full; once it was, the sink calls {@link #writableAgain} when it is not. */
    boolean isFull();
  }

  private final OutboxDrainer drainer;
  private final int maxBytes;
  private final ToIntFunction<T> sizeOf;
  private final Sink<T> sink;
  private final Runnable onRoom;
  private final Queue<T> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicLong waitingBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean writable = true;
  private volatile boolean roomAwaited;
  private volatile boolean closed;

  /**
   * @param drainer the drainer of the connection's event loop
   * @param onRoom runs on the event loop when the outbox has drained after {@link #isBackedUp} said yes
   */
  public Outbox(OutboxDrainer drainer, int maxBytes, ToIntFunction<T> sizeOf, Sink<T> sink, Runnable onRoom) {
    this.drainer = drainer;
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
    this.sink = sink;
    this.onRoom = onRoom;
  }

  /** The most the sink's own queue should hold; set it as the socket's write queue size. */
  public int socketQueueBytes() {
    return maxBytes / 2;
  }

  /**
   * Queues {@code item}; any thread. After {@link #close} items are dropped: nobody will read them.
   *
   * @return false if the outbox is over its bound: nothing was queued, the connection is a slow consumer
   */
  public boolean add(T item) {
    if (closed) {
      return true;
    }
    int size = sizeOf.applyAsInt(item);
    if (waitingBytes.addAndGet(size) > maxBytes) {
      waitingBytes.addAndGet(-size);
      return false;
    }
    waiting.add(item);
    scheduleDrain();
    return true;
  }

  public boolean isBackedUp() {
    boolean backedUp = !writable || waitingBytes.get() > maxBytes / 4;
    if (backedUp) {
      roomAwaited = true;
    }
    return backedUp;
  }

  public boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** The socket drained (its drain handler); any thread. */
  public void writableAgain() {
    writable = true;
    scheduleDrain();
  }

  /** Asks for {@code onRoom} once everything waiting has been handed to the socket. */
  public void awaitRoom() {
    roomAwaited = true;
    scheduleDrain();
  }

  /** Drops what waits (a slow consumer's backlog, which it will read again from history). */
  public void clear() {
    waiting.clear();
    waitingBytes.set(0);
  }

  /** Drops what waits and takes nothing more, silently; for a connection that is over. */
  public void close() {
    closed = true;
    clear();
  }

  /** Writes what the socket takes now; on the event loop, from the {@link OutboxDrainer}. */
  void drainNow() {
    drainScheduled.set(false);
    // A sink may be full before the first write (an event stream's, until its head is written):
    // it then says when it has room, as it does after a write that filled it.
    writable = writable && !sink.isFull();
    while (writable && !closed && !waiting.isEmpty()) {
      List<T> chunk = new ArrayList<>();
      int chunkBytes = 0;
      for (T item = waiting.peek(); item != null; item = waiting.peek()) {
        int size = sizeOf.applyAsInt(item);
        if (!chunk.isEmpty() && chunkBytes + size > CHUNK_BYTES) {
          break;
        }
        waiting.poll();
        waitingBytes.addAndGet(-size);
        chunk.add(item);
        chunkBytes += size;
      }
      sink.write(chunk);
      writable = !sink.isFull();
    }
    if (roomAwaited && writable && waiting.isEmpty() && !closed) {
      roomAwaited = false;
      onRoom.run();
    }
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      drainer.schedule(this);
    }
  }
}

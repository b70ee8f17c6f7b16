package io.switchboard.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Open connections in total and per client address, shared by every event loop. */
public final class ConnectionCounts {
  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  /** @param maxTotal 0 for no limit; @param maxPerAddress 0 for no limit */
  public ConnectionCounts(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a new connection from {@code address}; every call must be matched by one {@link #closed}.
   *
   * @return why it is over a limit, or null when it is within them
   */
  public String opened(String address) {
    int open = total.incrementAndGet();
    int fromAddress = maxPerAddress > 0 ? perAddress.computeIfAbsent(address, key -> new AtomicInteger()).incrementAndGet() : 0;
    if (maxTotal > 0 && open > maxTotal) {
      return "the server has its maximum of " + maxTotal + " connections open (limits.connections)";
    }
    if (maxPerAddress > 0 && fromAddress > maxPerAddress) {
      return "your address has its maximum of " + maxPerAddress + " connections open (limits.connections-per-address)";
    }
    return null;
  }

  public void closed(String address) {
    total.decrementAndGet();
    if (maxPerAddress > 0) {
      perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() == 0 ? null : count);
    }
  }

  public int open() {
    return total.get();
  }
}

package io.switchboard.core.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance}: timers (long-poll
 * expiry, retention sweeps) fire exactly when the test says, and never on their own.
 *
 * <p>The scheduler keeps its own elapsed time, starting at zero. {@link #advance} moves it
 * forward and, on the way, runs every task whose due time has been reached, earliest due first
 * (tasks due at the same time in the order they were scheduled), including tasks that running
 * tasks schedule, as long as they fall due within the advanced span. When constructed with a
 * {@link MutableClock}, the clock is moved forward together with the scheduler, and it already
 * reads a task's due time when that task runs; moving the clock by itself does not run tasks.
 *
 * <p>Threads: any thread may schedule or cancel; tasks run on the thread that calls
 * {@link #advance}, outside the scheduler's lock, so a task may schedule and cancel freely. A task
 * that throws ends the {@code advance} call with its exception (the test fails loudly); the tasks
 * due after it stay pending. A cancelled task never runs and no longer counts as pending.
 */
public final class ManualScheduler implements Scheduler {
  private final MutableClock clock;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;

  /** A scheduler that moves no clock. */
  public ManualScheduler() {
    this(null);
  }

  /**
   * A scheduler that moves {@code clock} along with its own time.
   *
   * @param clock the clock to advance, or null for none
   */
  public ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  /**
   * Runs {@code task} once {@code delay} has passed on this scheduler's time.
   *
   * @throws IllegalArgumentException for a negative delay
   */
  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay " + delay + " is negative");
    }
    Task scheduled = new Task(saturatedAdd(nowNanos, delay), sequence++, task);
    queue.add(scheduled);
    return () -> cancel(scheduled);
  }

  /**
   * Moves time forward by {@code amount}, running every task that falls due on the way, in due
   * order. {@code advance(Duration.ZERO)} runs the tasks that are due now.
   *
   * @throws IllegalArgumentException for a negative amount
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("cannot advance by " + amount + ": time never goes backwards");
    }
    long target;
    synchronized (this) {
      target = saturatedAdd(nowNanos, amount);
    }
    while (true) {
      Task due;
      synchronized (this) {
        Task head = queue.peek();
        if (head == null || head.dueNanos > target) {
          moveTo(target);
          return;
        }
        due = queue.poll();
        moveTo(due.dueNanos);
      }
      due.task.run();
    }
  }

  /** How many tasks are scheduled and neither run nor cancelled. */
  public synchronized int pendingCount() {
    return queue.size();
  }

  /** The time elapsed on this scheduler since it was created. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  /** The delays, from now, of the pending tasks, soonest first (for assertions and failure messages). */
  public synchronized List<Duration> pendingDelays() {
    List<Task> tasks = new ArrayList<>(queue);
    tasks.sort(null);
    List<Duration> delays = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      delays.add(Duration.ofNanos(task.dueNanos - nowNanos));
    }
    return delays;
  }

  private synchronized void cancel(Task task) {
    queue.remove(task);
  }

  // Called with the lock held.
  private void moveTo(long nanos) {
    if (nanos > nowNanos) {
      if (clock != null) {
        clock.advance(Duration.ofNanos(nanos - nowNanos));
      }
      nowNanos = nanos;
    }
  }

  private static long saturatedAdd(long nanos, Duration delay) {
    long delayNanos;
    try {
      delayNanos = delay.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
    long sum = nanos + delayNanos;
    return sum < nanos ? Long.MAX_VALUE : sum;
  }

  private static final class Task implements Comparable<Task> {
    final long dueNanos;
    final long order;
    final Runnable task;

    Task(long dueNanos, long order, Runnable task) {
      this.dueNanos = dueNanos;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(dueNanos, other.dueNanos);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }

  @Override
  public synchronized String toString() {
    return "ManualScheduler[elapsed " + elapsed() + ", pending " + pendingDelays() + "]";
  }
}

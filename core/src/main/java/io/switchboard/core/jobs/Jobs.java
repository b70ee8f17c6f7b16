package io.switchboard.core.jobs;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.message.Publication;
import io.switchboard.core.time.Scheduler;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Asynchronous request-reply: the job queue. Submitters submit jobs and wait for, poll, stream or
 * are called back with their end; workers claim them with a lease, and complete, fail or extend
 * them presenting the lease's token. Every status change is also published on the job's channel
 * ({@link #channelOf}), so that any subscriber on any transport can follow a job or a whole queue.
 *
 * <p>Threads: any thread may call any method, and nothing blocks. The store makes each change
 * atomic (a claim takes a job for one worker only; a change from a stale copy is refused), and
 * tells this service about every change through its listener, in each job's order: that one path
 * wakes waiting claims and status waits, publishes the change and starts callbacks, so it works
 * the same when another node made the change. Each reaction to a change (a watcher, an end
 * listener, the announcement, waking a claim) is isolated: one that throws is logged, and keeps
 * neither the store from completing the change nor the other reactions from running.
 *
 * <p>Waiting claims: each queue has a deque of waiting claims. A job queued in it signals the
 * queue, and a signal hands the first waiting claim to the store to claim for; a claim that finds
 * nothing (another took the job) goes back to the front. A signal that arrives while a claim is in
 * flight is counted, so that a job queued in that moment is not left waiting beside a waiting
 * worker. A claim that is over (given up, or answered) never joins or rejoins the line: its
 * result is completed before it leaves the line, and the line checks the result under its lock.
 *
 * <p>Leases: a sweep every second puts jobs whose lease ran out back in the queue, or makes them
 * dead after their last attempt; a worker's change after its lease ran out is refused even before
 * the sweep has run.
 */
public final class Jobs {
  /** The longest queue name: short enough that a job's channel name stays within a channel name's limit. */
  public static final int MAX_QUEUE_LENGTH = 200;
  /** The longest callback URL. */
  public static final int MAX_CALLBACK_URL_LENGTH = 2048;
  /** Job channels live under this prefix, which only the server may publish to. */
  public static final String CHANNEL_PREFIX = "switchboard.jobs.";
  /**
   * How long job channels keep their messages unless a configured rule says otherwise: they are
   * for following jobs live, the job itself stays inspectable for the job retention, and a busy
   * server would otherwise hold a channel per job for the whole default retention.
   */
  public static final Duration CHANNEL_RETENTION = Duration.ofMinutes(10);

  private static final System.Logger LOG = System.getLogger(Jobs.class.getName());
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
  private static final int SWEEPS_PER_RETENTION_SWEEP = 60;
  private static final int SWEEP_BATCH = 1_000;

  private final JobStore store;
  private final Broker broker;
  private final Clock clock;
  private final Scheduler scheduler;
  private final JobSettings settings;
  private final Function<Job, String> describe;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, ClaimQueue> claimQueues = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Consumer<Job>>> watchers = new ConcurrentHashMap<>();
  private final List<Consumer<Job>> endListeners = new CopyOnWriteArrayList<>();
  /** Waits on a job's end or change, answered at once by {@link #stop()}. */
  private final Set<JobWait> waits = ConcurrentHashMap.newKeySet();
  private volatile boolean running = true;
  private volatile Scheduler.Cancellable sweep;
  private int sweepsSinceRetention;

  /**
   * @param describe renders a job as the data of the message published on its channel
   */
  public Jobs(JobStore store, Broker broker, Clock clock, Scheduler scheduler, JobSettings settings, Function<Job, String> describe) {
    this.store = store;
    this.broker = broker;
    this.clock = clock;
    this.scheduler = scheduler;
    this.settings = settings;
    this.describe = describe;
    store.listen(this::onChanged);
    scheduleSweep();
  }

  /**
   * Checks a queue name: the rules of a channel name, at most {@value #MAX_QUEUE_LENGTH} characters.
   *
   * @throws InvalidInputException naming the value and the rule it broke
   */
  public static String checkQueue(String queue) {
    if (queue.length() > MAX_QUEUE_LENGTH) {
      throw new InvalidInputException("invalid queue name " + InvalidInputException.quote(queue) + ": longer than "
          + MAX_QUEUE_LENGTH + " characters");
    }
    ChannelName.problemWith(queue).ifPresent(problem -> {
      throw new InvalidInputException("invalid queue name " + InvalidInputException.quote(queue) + ": " + problem);
    });
    return queue;
  }

  /**
   * {@code rules} with job channels kept for at most {@link #CHANNEL_RETENTION}, where no rule of
   * {@code rules} decides for them.
   */
  public static RetentionRules withJobChannelRetention(RetentionRules rules) {
    RetentionPolicy policy = rules.defaultPolicy();
    Duration maxAge = policy.maxAge().compareTo(CHANNEL_RETENTION) < 0 ? policy.maxAge() : CHANNEL_RETENTION;
    return rules.followedBy(new RetentionRules.Rule(ChannelPattern.of(CHANNEL_PREFIX + ">"), policy.withMaxAge(maxAge)));
  }

  /** The channel on which {@code job}'s changes are published: {@code switchboard.jobs.QUEUE.ID}. */
  public static ChannelName channelOf(Job job) {
    return ChannelName.of(CHANNEL_PREFIX + job.queue() + "." + job.id());
  }

  /**
   * Queues a job.
   *
   * @param attempts the claims it may have, or empty for the configured default
   * @param callbackUrl an absolute http or https URL to call when it ends
   * @throws InvalidInputException (as the stage's failure) for a bad queue, attempts or URL
   * @throws MessageTooLargeException (as the stage's failure) when the data is too large
   */
  public CompletionStage<Job> submit(String queue, String data, OptionalInt attempts, Optional<String> callbackUrl) {
    try {
      checkQueue(queue);
      checkSize("job data", data);
      int maxAttempts = attempts.orElse(settings.defaultAttempts());
      if (maxAttempts < 1 || maxAttempts > JobSettings.MAX_ATTEMPTS) {
        throw new InvalidInputException("invalid attempts " + maxAttempts + ": use 1 to " + JobSettings.MAX_ATTEMPTS);
      }
      callbackUrl.ifPresent(Jobs::checkCallbackUrl);
      return store.submit(Job.submitted(newId(), queue, data, maxAttempts, callbackUrl, clock.millis()));
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
  }

  /** The job, or empty when unknown (never submitted, removed after its retention, or not an id at all). */
  public CompletionStage<Optional<Job>> find(String id) {
    if (!ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return store.find(id);
  }

  /**
   * Completes once the job has ended or {@code wait} has passed, with the job as it is then; empty
   * when unknown.
   *
   * @throws InvalidInputException (as the stage's failure) for a negative wait
   */
  public CompletionStage<Optional<Job>> awaitEnd(String id, Duration wait) {
    return awaitJob(id, wait, found -> job -> job.status().isEnded());
  }

  /**
   * Completes once the job's status differs from the one it has now (at once when it has ended,
   * since it will not change again), or {@code wait} has passed; empty when unknown.
   *
   * @throws InvalidInputException (as the stage's failure) for a negative wait
   */
  public CompletionStage<Optional<Job>> awaitStatusChange(String id, Duration wait) {
    return awaitJob(id, wait, found -> job -> job.status().isEnded() || job.status() != found.status());
  }

  /**
   * Calls {@code onChange} with each stored change of job {@code id} from now on, in order, until
   * cancelled. The caller reads the job once after watching, so that no change falls between.
   */
  public Scheduler.Cancellable watch(String id, Consumer<Job> onChange) {
    Consumer<Job> watcher = onChange::accept;
    watchers.compute(id, (key, set) -> {
      Set<Consumer<Job>> watching = set == null ? ConcurrentHashMap.newKeySet() : set;
      watching.add(watcher);
      return watching;
    });
    return () -> watchers.computeIfPresent(id, (key, set) -> {
      set.remove(watcher);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Claims the next job of {@code queue} under a lease of {@code lease}, waiting up to {@code wait}
   * for one to be queued.
   *
   * @throws InvalidInputException for a bad queue name or lease, or a negative wait
   */
  public PendingClaim claim(String queue, Duration lease, Duration wait) {
    checkQueue(queue);
    checkLease(lease);
    checkWait(wait);
    ClaimWaiter waiter = new ClaimWaiter(queue, lease);
    if (!running) {
      waiter.finish(Optional.empty());
      return waiter;
    }
    store.claim(queue, newLease(lease), clock.millis()).whenComplete((claimed, failed) -> {
      if (failed != null) {
        waiter.fail(failed);
      } else if (claimed.isPresent() || wait.isZero() || !running) {
        waiter.deliver(claimed);
      } else {
        waiter.waitFor(wait);
      }
    });
    return waiter;
  }

  /**
   * Completes the job with {@code result}. Empty when the job is unknown.
   *
   * @throws JobConflictException (as the stage's failure) when {@code token} does not hold the job now
   */
  public CompletionStage<Optional<Job>> complete(String id, String token, String result) {
    try {
      checkSize("job result", result);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return changeHeld(id, token, (job, now) -> job.succeeded(result, now));
  }

  /**
   * Fails the attempt with {@code error}: with {@code retry} and attempts left the job goes back to
   * the queue, else it ends as failed. Empty when the job is unknown.
   *
   * @throws JobConflictException (as the stage's failure) when {@code token} does not hold the job now
   */
  public CompletionStage<Optional<Job>> fail(String id, String token, String error, boolean retry) {
    try {
      checkSize("job error", error);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return changeHeld(id, token,
        (job, now) -> retry && job.hasAttemptsLeft() ? job.requeued(error, now) : job.failed(error, now));
  }

  /**
   * Extends the lease to {@code lease} from now. Empty when the job is unknown.
   *
   * @throws JobConflictException (as the stage's failure) when {@code token} does not hold the job now
   */
  public CompletionStage<Optional<Job>> heartbeat(String id, String token, Duration lease) {
    try {
      checkLease(lease);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return changeHeld(id, token, (job, now) -> job.leaseExtended(now + lease.toMillis(), now));
  }

  /**
   * Gives a held job up before its lease runs out, as if it had: e.g. its worker's connection
   * closed. It goes back to the queue, or is dead after its last attempt.
   */
  public CompletionStage<Optional<Job>> abandon(String id, String token, String reason) {
    return changeHeld(id, token, (job, now) -> afterLostAttempt(job, reason, now));
  }

  /**
   * Gives back a job whose claim reached no worker (it hung up in that moment): back in the queue
   * in its place, as if never claimed, the attempt not counted.
   */
  public CompletionStage<Optional<Job>> release(String id, String token) {
    return changeHeld(id, token, (job, now) -> job.released(now));
  }

  /** Records how calling the job's callback went; empty when the job is gone. */
  public CompletionStage<Optional<Job>> recordCallback(String id, Function<Callback, Callback> outcome) {
    return change(id, job -> job.callback().isPresent(), (job, now) -> job.withCallback(outcome.apply(job.callback().get()), now));
  }

  /** Ended jobs whose callback is still to be made, e.g. after a restart. */
  public CompletionStage<List<Job>> awaitingCallback() {
    return store.awaitingCallback(SWEEP_BATCH);
  }

  /** Calls {@code listener} with every job that ends by a change made in this process. */
  public void onEnded(Consumer<Job> listener) {
    endListeners.add(listener);
  }

  public CompletionStage<JobCounts> count(String queue) {
    try {
      checkQueue(queue);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return store.count(queue);
  }

  /** Answers every waiting claim with nothing and every wait on a job with the job as it is, and stops the sweep. */
  public void stop() {
    running = false;
    Scheduler.Cancellable pending = sweep;
    if (pending != null) {
      pending.cancel();
    }
    claimQueues.values().forEach(ClaimQueue::finishAll);
    waits.forEach(JobWait::finishNow);
  }

  /** Runs one lease and retention sweep now, as the timer does every second; for tests. */
  CompletionStage<Void> sweepNow() {
    long now = clock.millis();
    CompletionStage<Void> leases = store.leasesEndedBy(now, SWEEP_BATCH).thenCompose(ended -> CompletableFuture.allOf(ended.stream()
        .map(job -> store.replace(afterLostAttempt(job, "the lease ran out on attempt " + job.attempt() + " of " + job.maxAttempts(), now)))
        .map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)));
    forgetIdleClaimLines();
    if (++sweepsSinceRetention < SWEEPS_PER_RETENTION_SWEEP) {
      return leases;
    }
    sweepsSinceRetention = 0;
    return leases.thenCompose(done -> store.removeEndedBefore(now - settings.retention().toMillis())).thenApply(removed -> null);
  }

  /** Forgets the lines of queues nobody waits on, so that waiting on made-up queue names leaves nothing behind. */
  private void forgetIdleClaimLines() {
    claimQueues.keySet().forEach(queue -> claimQueues.computeIfPresent(queue, (name, line) -> line.isIdle() ? null : line));
  }

  /** How many queues have a line of waiting claims (or had one until the last sweep): a gauge of waiting workers' queues. */
  public int queuesWithWaitingClaims() {
    return claimQueues.size();
  }

  private static Job afterLostAttempt(Job job, String reason, long now) {
    return job.hasAttemptsLeft() ? job.requeued(reason, now) : job.dead(reason, now);
  }

  private CompletionStage<Optional<Job>> changeHeld(String id, String token, BiFunction<Job, Long, Job> transition) {
    return change(id, job -> {
      checkHeld(job, token, clock.millis());
      return true;
    }, transition);
  }

  /**
   * Applies {@code transition} to the stored job when {@code applies}, retrying from the newly
   * stored job when another change came first; {@code applies} throws to refuse.
   */
  private CompletionStage<Optional<Job>> change(String id, Predicate<Job> applies, BiFunction<Job, Long, Job> transition) {
    return find(id).thenCompose(found -> {
      if (found.isEmpty() || !applies.test(found.get())) {
        return CompletableFuture.completedFuture(Optional.<Job>empty());
      }
      Job changed = transition.apply(found.get(), clock.millis());
      return store.replace(changed).thenCompose(stored -> stored
          ? CompletableFuture.completedFuture(Optional.of(changed))
          : change(id, applies, transition));
    });
  }

  private static void checkHeld(Job job, String token, long now) {
    if (job.status().isEnded()) {
      throw new JobConflictException("job " + job.id() + " has already ended: it " + job.status().wireName());
    }
    if (job.lease().isEmpty() || !job.lease().get().matches(token)) {
      throw new JobConflictException("this lease does not hold job " + job.id() + " (it is " + job.status().wireName()
          + (job.status() == JobStatus.RUNNING ? " under another worker's lease" : "") + "): its lease ran out, or it was never this one");
    }
    if (!job.lease().get().isHeldAt(now)) {
      throw new JobConflictException("the lease on job " + job.id() + " ran out; the job goes back to the queue");
    }
  }

  private void onChanged(Job job, Optional<JobStatus> before, boolean local) {
    Set<Consumer<Job>> interested = watchers.get(job.id());
    if (interested != null) {
      interested.forEach(watcher -> isolated("a watcher", job, () -> watcher.accept(job)));
    }
    if (job.status() == JobStatus.QUEUED) {
      ClaimQueue queue = claimQueues.get(job.queue());
      if (queue != null) {
        isolated("waking a waiting claim", job, queue::signal);
      }
    }
    if (local && before.filter(job.status()::equals).isEmpty()) {
      isolated("publishing the change", job, () -> announce(job));
      if (job.status().isEnded()) {
        endListeners.forEach(listener -> isolated("an end listener", job, () -> listener.accept(job)));
      }
    }
  }

  /**
   * Runs one reaction to a change. The store calls {@link #onChanged} inside its own change (on a
   * memory store, in the caller's claim or replace), so a reaction that threw would fail a change
   * that was stored, and skip the reactions after it (a waiting claim left asleep beside a queued
   * job); it is logged instead.
   */
  private static void isolated(String what, Job job, Runnable reaction) {
    try {
      reaction.run();
    } catch (RuntimeException failed) {
      LOG.log(System.Logger.Level.WARNING, what + " failed on the " + job.status().wireName() + " change of job " + job.id(), failed);
    }
  }

  private void announce(Job job) {
    broker.publishAsServer(channelOf(job), new Publication(describe.apply(job), Optional.of(job.status().wireName()), Optional.empty()))
        .whenComplete((appended, failed) -> {
          if (failed != null) {
            LOG.log(System.Logger.Level.WARNING, "publishing the " + job.status().wireName() + " change of job " + job.id()
                + " on " + channelOf(job) + " failed: " + failed.getMessage());
          }
        });
  }

  private CompletionStage<Optional<Job>> awaitJob(String id, Duration wait, Function<Job, Predicate<Job>> doneAfter) {
    try {
      checkWait(wait);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    JobWait waiting = new JobWait();
    // Watch before reading, so that a change between the read and the watch is not missed.
    Scheduler.Cancellable watch = watch(id, waiting::offer);
    waits.add(waiting);
    waiting.answer.whenComplete((done, failed) -> {
      watch.cancel();
      waits.remove(waiting);
    });
    find(id).whenComplete((found, failed) -> {
      if (failed != null) {
        waiting.answer.completeExceptionally(failed);
      } else if (found.isEmpty() || wait.isZero() || !running) {
        waiting.answer.complete(found);
      } else {
        Scheduler.Cancellable timer = scheduler.schedule(wait, waiting::finishNow);
        waiting.answer.whenComplete((done, ignored) -> timer.cancel());
        waiting.start(found.get(), doneAfter.apply(found.get()));
        if (!running) {
          waiting.finishNow();
        }
      }
    });
    return waiting.answer;
  }

  private void checkSize(String what, String text) {
    if (Broker.utf8Length(text) > settings.maxBytes()) {
      throw new MessageTooLargeException(what + " is larger than the maximum of " + settings.maxBytes() + " bytes");
    }
  }

  private static void checkLease(Duration lease) {
    if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(JobSettings.MAX_LEASE) > 0) {
      throw new InvalidInputException("invalid lease of " + lease.toSeconds() + " seconds: use 1 to "
          + JobSettings.MAX_LEASE.toSeconds() + " seconds, and heartbeats to hold a job longer");
    }
  }

  /** A negative wait would never be scheduled, leaving its caller unanswered. */
  private static void checkWait(Duration wait) {
    if (wait.isNegative()) {
      throw new InvalidInputException("invalid wait of " + wait.toMillis() + " ms: use zero (do not wait) or more");
    }
  }

  /** Package-private for the property tests of what a stranger may send as {@code callback=}. */
  static void checkCallbackUrl(String url) {
    String rule = "use an absolute http:// or https:// URL of at most " + MAX_CALLBACK_URL_LENGTH + " characters";
    if (url.length() > MAX_CALLBACK_URL_LENGTH) {
      throw new InvalidInputException("invalid callback URL " + InvalidInputException.quote(url) + ": " + rule);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException malformed) {
      throw new InvalidInputException("invalid callback URL " + InvalidInputException.quote(url) + ": " + rule);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new InvalidInputException("invalid callback URL " + InvalidInputException.quote(url) + ": " + rule
          + (uri.getRawUserInfo() != null ? ", without credentials in it" : ""));
    }
  }

  private Lease newLease(Duration lease) {
    return new Lease(newId(), clock.millis() + lease.toMillis());
  }

  /** 128 random bits in base64url, never starting with '-', so that an id is never taken for a command-line option. */
  private String newId() {
    byte[] bits = new byte[16];
    String id;
    do {
      random.nextBytes(bits);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    } while (id.charAt(0) == '-');
    return id;
  }

  private void scheduleSweep() {
    sweep = scheduler.schedule(SWEEP_INTERVAL, () -> {
      if (!running) {
        return;
      }
      sweepNow().whenComplete((done, failed) -> {
        if (failed != null) {
          LOG.log(System.Logger.Level.WARNING, "the job lease sweep failed: " + failed.getMessage());
        }
        if (running) {
          scheduleSweep();
        }
      });
    });
  }

  /** A wait for a job's change: changes may arrive before the job was read, so the newest is kept. */
  private static final class JobWait {
    final CompletableFuture<Optional<Job>> answer = new CompletableFuture<>();
    private Job newest;
    private Predicate<Job> done;

    synchronized void offer(Job changed) {
      if (newest == null || changed.revision() > newest.revision()) {
        newest = changed;
      }
      check();
    }

    synchronized void start(Job found, Predicate<Job> doneWhen) {
      done = doneWhen;
      newest = latestOf(found);
      check();
    }

    /** Answers with the job as last seen, whether or not it is done: the wait is over or the service stops. */
    synchronized void finishNow() {
      if (done != null) {
        answer.complete(Optional.of(newest));
      }
    }

    private Job latestOf(Job found) {
      return newest == null || newest.revision() < found.revision() ? found : newest;
    }

    private void check() {
      if (done != null && newest != null && done.test(newest)) {
        answer.complete(Optional.of(newest));
      }
    }
  }

  /** The waiting claims of one queue; see the class comment. */
  private final class ClaimQueue {
    private final String queue;
    private final Deque<ClaimWaiter> waiting = new ArrayDeque<>();
    private final AtomicLong signals = new AtomicLong();
    /** Claims taken from the line whose store claim has not returned; guarded by this. */
    private int inFlight;

    ClaimQueue(String queue) {
      this.queue = queue;
    }

    /** Joins the line; false, joining nothing, when the claim is already over or the service stopping. */
    synchronized boolean add(ClaimWaiter waiter) {
      if (waiter.result.isDone() || !running) {
        return false;
      }
      waiting.addLast(waiter);
      return true;
    }

    synchronized boolean remove(ClaimWaiter waiter) {
      return waiting.remove(waiter);
    }

    /** A job may be queued: the first waiting claim tries to take it. */
    void signal() {
      long seen = signals.incrementAndGet();
      ClaimWaiter next;
      synchronized (this) {
        next = waiting.pollFirst();
        if (next == null) {
          return;
        }
        inFlight++;
      }
      store.claim(queue, newLease(next.lease), clock.millis()).whenComplete((claimed, failed) -> {
        boolean again = false;
        if (failed != null) {
          next.fail(failed);
        } else if (claimed.isPresent()) {
          next.deliver(claimed);
        } else {
          again = returnToFront(next) && signals.get() != seen;
        }
        synchronized (this) {
          inFlight--;
        }
        if (again) {
          signal();
        }
      });
    }

    /** Whether nobody waits in this line nor has a claim in flight: the line may be forgotten. */
    synchronized boolean isIdle() {
      return waiting.isEmpty() && inFlight == 0;
    }

    /** Puts a claim that found nothing back first in line; false when its wait is over or it was given up. */
    private boolean returnToFront(ClaimWaiter waiter) {
      synchronized (this) {
        if (!waiter.expired && !waiter.result.isDone() && running) {
          waiting.addFirst(waiter);
          return true;
        }
      }
      waiter.finish(Optional.empty());
      return false;
    }

    /** Ends a claim's wait; one whose claim is in flight learns of it when the claim returns. */
    void expire(ClaimWaiter waiter) {
      synchronized (this) {
        if (!waiting.remove(waiter)) {
          waiter.expired = true;
          return;
        }
      }
      waiter.finish(Optional.empty());
    }

    void finishAll() {
      List<ClaimWaiter> all;
      synchronized (this) {
        all = List.copyOf(waiting);
        waiting.clear();
      }
      all.forEach(waiter -> waiter.finish(Optional.empty()));
    }
  }

  private final class ClaimWaiter implements PendingClaim {
    private final String queue;
    private final Duration lease;
    private final CompletableFuture<Optional<Job>> result = new CompletableFuture<>();
    /** Guarded by the queue's {@link ClaimQueue} monitor. */
    private boolean expired;
    private volatile Scheduler.Cancellable timer;

    ClaimWaiter(String queue, Duration lease) {
      this.queue = queue;
      this.lease = lease;
    }

    @Override
    public CompletionStage<Optional<Job>> result() {
      return result;
    }

    @Override
    public void cancel() {
      // Over first, then out of the line: a claim in flight meanwhile cannot put it back (see add
      // and returnToFront), and one put back before this is taken out here.
      finish(Optional.empty());
      ClaimQueue waitingIn = claimQueues.get(queue);
      if (waitingIn != null) {
        waitingIn.remove(this);
      }
    }

    void waitFor(Duration wait) {
      boolean[] joined = new boolean[1];
      // Joining happens inside the map's compute, as forgetting an idle line does, so a claim never
      // joins a line that is being forgotten.
      ClaimQueue waitingIn = claimQueues.compute(queue, (name, existing) -> {
        ClaimQueue line = existing == null ? new ClaimQueue(name) : existing;
        joined[0] = line.add(this);
        return line;
      });
      if (!joined[0]) {
        // Given up (or the service stopped) while the first claim was in flight.
        finish(Optional.empty());
        return;
      }
      timer = scheduler.schedule(wait, () -> waitingIn.expire(this));
      // A job queued between the first claim and joining the line signalled nobody.
      waitingIn.signal();
    }

    /** Hands over a claimed job; one claimed for a claim that was given up meanwhile goes back. */
    void deliver(Optional<Job> claimed) {
      if (!result.complete(claimed)) {
        claimed.ifPresent(job -> store.replace(job.released(clock.millis())));
      }
      stopTimer();
    }

    void finish(Optional<Job> none) {
      result.complete(none);
      stopTimer();
    }

    void fail(Throwable failure) {
      result.completeExceptionally(failure);
      stopTimer();
    }

    private void stopTimer() {
      Scheduler.Cancellable pending = timer;
      if (pending != null) {
        pending.cancel();
      }
    }
  }
}

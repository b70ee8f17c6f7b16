package io.switchboard.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard job submit|status|work}: jobs from the command line. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Submits jobs, follows them, and works on them.",
    subcommands = {JobCommand.Submit.class, JobCommand.Status.class, JobCommand.Work.class})
final class JobCommand {
  private JobCommand() {}

  static final String LEASE_HEADER = "Switchboard-Lease";
  /** The longest answer a command's output or error gives as result or error. */
  static final int MAX_OUTPUT_BYTES = 1 << 20;

  /** Exit status 1 for a job that ended without success, so scripts can tell. */
  static int exitFor(JsonNode job) {
    String status = job.path("status").asText();
    return status.equals("failed") || status.equals("dead") ? ExitCodes.FAILED : ExitCodes.OK;
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Submits DATA as a job to QUEUE and prints the job.",
          "With --wait, waits up to that long for it to end (synchronous); exits 1 when it failed or is dead."})
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name, e.g. images.")
    String queue;

    @Parameters(index = "1", paramLabel = "DATA", description = "The job's data; - reads it from standard input.")
    String data;

    @Mixin ServerOption server;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "Wait up to this long (1-60) for the job to end.")
    Integer waitSeconds;

    @Option(names = "--callback", paramLabel = "URL", description = "URL to POST the ended job to (signed).")
    String callback;

    @Option(names = "--attempts", paramLabel = "N", description = "Claims the job may have (1-100).")
    Integer attempts;

    @Override
    public Integer call() {
      return reportingFailures(spec, () -> {
        ServerClient client = server.client();
        String body = data.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : data;
        HttpRequest.Builder request = HttpRequest.newBuilder()
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", "text/plain; charset=utf-8");
        if (waitSeconds != null) {
          request.header("Prefer", "wait=" + waitSeconds);
        }
        List<String> query = new ArrayList<>();
        if (callback != null) {
          query.add("callback=" + ServerClient.segment(callback));
        }
        if (attempts != null) {
          query.add("attempts=" + attempts);
        }
        String path = "/v1/queues/" + ServerClient.segment(queue) + "/jobs" + (query.isEmpty() ? "" : "?" + String.join("&", query));
        JsonNode job = client.send(request, path, Duration.ofSeconds(30 + (waitSeconds == null ? 0 : waitSeconds)));
        ServerClient.printJson(spec.commandLine().getOut(), job);
        return exitFor(job);
      });
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Prints job ID. With --wait, waits up to that long for its status to change.",
          "Exits 1 when it failed or is dead."})
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job's id, as submit printed it.")
    String id;

    @Mixin ServerOption server;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "Wait up to this long (1-60) for a change of status.")
    Integer waitSeconds;

    @Override
    public Integer call() {
      return reportingFailures(spec, () -> {
        ServerClient client = server.client();
        String query = waitSeconds == null ? "" : "?wait=" + waitSeconds;
        JsonNode job = client.send(HttpRequest.newBuilder().GET(), "/v1/jobs/" + ServerClient.segment(id) + query,
            Duration.ofSeconds(30 + (waitSeconds == null ? 0 : waitSeconds)));
        ServerClient.printJson(spec.commandLine().getOut(), job);
        return exitFor(job);
      });
    }
  }

  @Command(name = "work", mixinStandardHelpOptions = true,
      description = {"Works on jobs of QUEUE: runs COMMAND for each, with the job's data on standard input.",
          "Exit status 0 completes the job with COMMAND's standard output; any other fails it with its",
          "standard error (retried while attempts remain, unless --no-retry). The lease is extended while",
          "COMMAND runs. Prints one line per job."})
  static final class Work implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name, e.g. images.")
    String queue;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (put -- before it).")
    List<String> command;

    @Mixin ServerOption server;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "30", description = "Lease per claim; extended every third of it (default ${DEFAULT-VALUE}).")
    int leaseSeconds;

    @Option(names = "--max-jobs", paramLabel = "N", description = "Stop after N jobs (default: run until interrupted).")
    Integer maxJobs;

    @Option(names = "--exit-when-empty", description = "Stop when the queue has no job to claim.")
    boolean exitWhenEmpty;

    @Option(names = "--no-retry", description = "A failed run ends the job as failed instead of retrying it.")
    boolean noRetry;

    @Override
    public Integer call() {
      return reportingFailures(spec, () -> {
        ServerClient client = server.client();
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "switchboard-job-heartbeat");
          thread.setDaemon(true);
          return thread;
        });
        try {
          int done = 0;
          while (maxJobs == null || done < maxJobs) {
            ServerClient.Answer claimed = client.exchange(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.noBody()),
                "/v1/queues/" + ServerClient.segment(queue) + "/claim?wait=" + (exitWhenEmpty ? 0 : 30) + "&lease=" + leaseSeconds,
                Duration.ofSeconds(60));
            if (claimed.status() == 204) {
              if (exitWhenEmpty) {
                return ExitCodes.OK;
              }
              continue;
            }
            workOn(client, claimed.body(), heartbeats);
            done++;
          }
          return ExitCodes.OK;
        } finally {
          heartbeats.shutdownNow();
        }
      });
    }

    private void workOn(ServerClient client, JsonNode job, ScheduledExecutorService heartbeats) throws ServerClient.CallFailed, IOException {
      String id = job.path("id").asText();
      String lease = job.path("lease").asText();
      long every = Math.max(1, leaseSeconds * 1000L / 3);
      var beating = heartbeats.scheduleAtFixedRate(() -> heartbeat(client, id, lease), every, every, TimeUnit.MILLISECONDS);
      Run run;
      try {
        run = runCommand(job.path("data").asText());
      } finally {
        beating.cancel(false);
      }
      String outcome = run.exitCode == 0 ? "complete" : "fail" + (noRetry ? "" : "?retry=true");
      String body = run.exitCode == 0 ? run.stdout : run.stderr.isBlank() ? "exit status " + run.exitCode : run.stderr;
      JsonNode ended = client.send(HttpRequest.newBuilder()
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .header(LEASE_HEADER, lease)
              .header("Content-Type", "text/plain; charset=utf-8"),
          "/v1/jobs/" + ServerClient.segment(id) + "/" + outcome, Duration.ofSeconds(30));
      PrintWriter out = spec.commandLine().getOut();
      out.println(id + " " + ended.path("status").asText() + " (attempt " + ended.path("attempt").asInt() + ", exit status " + run.exitCode + ")");
      out.flush();
    }

    private void heartbeat(ServerClient client, String id, String lease) {
      try {
        client.send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.noBody()).header(LEASE_HEADER, lease),
            "/v1/jobs/" + ServerClient.segment(id) + "/heartbeat?lease=" + leaseSeconds, Duration.ofSeconds(10));
      } catch (ServerClient.CallFailed lost) {
        // The completion reports what became of the job; a lost lease shows there as a conflict.
      }
    }

    private record Run(int exitCode, String stdout, String stderr) {}

    private Run runCommand(String data) throws IOException {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(data.getBytes(StandardCharsets.UTF_8));
      } catch (IOException closedEarly) {
        // The command need not read its input.
      }
      try {
        return new Run(process.waitFor(), stdout.join(), stderr.join());
      } catch (InterruptedException interrupted) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + command.get(0) + " ran", interrupted);
      }
    }

    private static String drain(InputStream stream) {
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      try (stream) {
        for (int read = stream.read(chunk); read >= 0; read = stream.read(chunk)) {
          kept.write(chunk, 0, Math.min(read, Math.max(0, MAX_OUTPUT_BYTES - kept.size())));
        }
      } catch (IOException closed) {
        // What was read so far is the output.
      }
      return kept.toString(StandardCharsets.UTF_8);
    }
  }

  @FunctionalInterface
  private interface Call {
    int run() throws ServerClient.CallFailed, IOException;
  }

  private static int reportingFailures(CommandSpec spec, Call call) {
    try {
      return call.run();
    } catch (ServerClient.CallFailed failed) {
      spec.commandLine().getErr().println("switchboard: " + failed.getMessage());
      return ExitCodes.FAILED;
    } catch (IOException io) {
      spec.commandLine().getErr().println("switchboard: " + io.getMessage());
      return ExitCodes.FAILED;
    }
  }
}

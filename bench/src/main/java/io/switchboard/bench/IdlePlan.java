package io.switchboard.bench;

/**
 * What one run of {@link IdleBench} does, checked when it is made.
 *
 * @param subscribers the idle connections: how many, over which transport, on how many channels
 * @param server the server's process(es), whose memory is read and summed
 */
record IdlePlan(SubscriberPlan subscribers, ServerProcess server) {
  /** @throws IllegalArgumentException when the server may not open as many connections as asked for */
  IdlePlan {
    long needed = subscribers.subscribers() + FileDescriptors.SPARE;
    long limit = server.maxOpenFiles().orElse(Long.MAX_VALUE);
    if (needed > limit) {
      throw new IllegalArgumentException("--connections " + subscribers.subscribers() + " needs about " + needed
          + " file descriptors in the server, but process " + server.describe() + " may open " + limit
          + " (its ulimit -n); start it with a higher limit or open fewer");
    }
  }
}

package io.switchboard.bench;

/**
 * The URL and protocol conventions of the server a bench loads, so that one generator can measure
 * Switchboard and a peer the same way: {@link SwitchboardTarget} and {@link NchanTarget}. A target
 * only builds paths and reads statuses; the clients do the I/O. Channel names the benches use
 * ({@code bench0}, {@code bench1} …) are valid on both servers.
 *
 * <p>Implementations are immutable and called on any event loop.
 */
interface Target {
  /** The name {@code --target} takes. */
  String name();

  /** The path a message is published to with {@code POST}, the raw data as its body. */
  String publishPath(String channel);

  /** Whether a publish answered {@code status} was accepted. */
  boolean accepted(int status);

  /** The target {@code --target} names. @throws IllegalArgumentException for an unknown name */
  static Target named(String name) {
    return switch (name) {
      case SwitchboardTarget.NAME -> new SwitchboardTarget();
      case NchanTarget.NAME -> new NchanTarget();
      default -> throw new IllegalArgumentException("--target \"" + name + "\" is not one of "
          + SwitchboardTarget.NAME + ", " + NchanTarget.NAME);
    };
  }
}

package io.switchboard.core.broker;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which subscriptions want a channel: a trie over pattern segments, so a publish visits only the
 * branches its own segments lead to (the literal segment, {@code *}, and {@code >} tails), never
 * every subscription or every channel.
 *
 * <p>Threads: lookups take no lock and run on every publish; adding and removing are
 * synchronized among themselves. A lookup racing a change sees the subscription or not, which is
 * fine: a subscription is registered before it reads history, so it catches up on anything it
 * missed, and a closed subscription ignores late messages.
 */
final class SubscriptionIndex<T> {
  private static final String ANY_ONE = "*";
  private static final String ANY_TAIL = ">";

  private static final class Node<T> {
    final Map<String, Node<T>> children = new ConcurrentHashMap<>();
    /** Subscribers whose pattern ends exactly here. */
    final Set<T> here = ConcurrentHashMap.newKeySet();
    /** Subscribers whose pattern ends with {@code >} below this node. */
    final Set<T> tail = ConcurrentHashMap.newKeySet();

    boolean isEmpty() {
      return children.isEmpty() && here.isEmpty() && tail.isEmpty();
    }
  }

  private final Node<T> root = new Node<>();

  synchronized void add(ChannelPattern pattern, T subscriber) {
    Node<T> node = root;
    String[] segments = pattern.value().split("\\.");
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals(ANY_TAIL)) {
        node.tail.add(subscriber);
        return;
      }
      node = node.children.computeIfAbsent(segments[i], segment -> new Node<>());
    }
    node.here.add(subscriber);
  }

  synchronized void remove(ChannelPattern pattern, T subscriber) {
    remove(root, pattern.value().split("\\."), 0, subscriber);
  }

  /**
   * Calls {@code action} for each subscriber with a pattern matching {@code channel}: once per
   * matching pattern, so a subscriber registered under two matching patterns is called twice.
   */
  void forEachMatch(ChannelName channel, Consumer<T> action) {
    // Walks the name's segments in place rather than splitting it: most publishes reach a trie with
    // few branches (or none), and the split showed in the publish profile.
    visit(root, channel.value(), 0, action);
  }

  /** @param from where the next segment of {@code channel} starts; past its end once every segment is matched */
  private void visit(Node<T> node, String channel, int from, Consumer<T> action) {
    if (from > channel.length()) {
      node.here.forEach(action);
      return;
    }
    // '>' needs at least one more segment, which there is.
    node.tail.forEach(action);
    if (node.children.isEmpty()) {
      return;
    }
    int end = channel.indexOf('.', from);
    if (end < 0) {
      end = channel.length();
    }
    Node<T> literal = node.children.get(channel.substring(from, end));
    if (literal != null) {
      visit(literal, channel, end + 1, action);
    }
    Node<T> wildcard = node.children.get(ANY_ONE);
    if (wildcard != null) {
      visit(wildcard, channel, end + 1, action);
    }
  }

  private static <T> void remove(Node<T> node, String[] segments, int depth, T subscriber) {
    if (depth == segments.length) {
      node.here.remove(subscriber);
      return;
    }
    if (segments[depth].equals(ANY_TAIL)) {
      node.tail.remove(subscriber);
      return;
    }
    Node<T> child = node.children.get(segments[depth]);
    if (child != null) {
      remove(child, segments, depth + 1, subscriber);
      if (child.isEmpty()) {
        node.children.remove(segments[depth], child);
      }
    }
  }
}

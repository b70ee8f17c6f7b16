package io.switchboard.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which subscribers a publish visits: the trie of pattern segments agrees with {@link ChannelPattern#matches}. */
class SubscriptionIndexTest {
  private final SubscriptionIndex<String> index = new SubscriptionIndex<>();

  private void add(String pattern, String subscriber) {
    index.add(ChannelPattern.of(pattern), subscriber);
  }

  private void remove(String pattern, String subscriber) {
    index.remove(ChannelPattern.of(pattern), subscriber);
  }

  /** Every visit, in a list, so a subscriber visited twice shows twice. */
  private List<String> visitsFor(String channel) {
    List<String> visited = new ArrayList<>();
    index.forEachMatch(ChannelName.of(channel), visited::add);
    return visited;
  }

  @Test
  void anExactNameMatchesOnlyThatChannel() {
    add("orders.42", "s");

    assertThat(visitsFor("orders.42")).containsExactly("s");
    assertThat(visitsFor("orders")).isEmpty();
    assertThat(visitsFor("orders.43")).isEmpty();
    assertThat(visitsFor("orders.42.x")).isEmpty();
    assertThat(visitsFor("x.orders.42")).isEmpty();
  }

  @Test
  void aStarMatchesExactlyOneSegment() {
    add("orders.*", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s");
    assertThat(visitsFor("orders.anything-else")).containsExactly("s");
    assertThat(visitsFor("orders")).isEmpty();
    assertThat(visitsFor("orders.1.x")).isEmpty();
    assertThat(visitsFor("chat.1")).isEmpty();
  }

  @Test
  void aTailMatchesOneOrMoreSegments() {
    add("orders.>", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s");
    assertThat(visitsFor("orders.1.x")).containsExactly("s");
    assertThat(visitsFor("orders.1.x.y.z")).containsExactly("s");
    assertThat(visitsFor("orders")).isEmpty();
    assertThat(visitsFor("chat.1")).isEmpty();
  }

  @Test
  void aTailAloneMatchesEveryChannel() {
    add(">", "s");

    assertThat(visitsFor("a")).containsExactly("s");
    assertThat(visitsFor("orders.1")).containsExactly("s");
    assertThat(visitsFor("a.b.c.d")).containsExactly("s");
  }

  @Test
  void twoStarsMatchExactlyTwoSegments() {
    add("*.*", "s");

    assertThat(visitsFor("a.b")).containsExactly("s");
    assertThat(visitsFor("orders.42")).containsExactly("s");
    assertThat(visitsFor("a")).isEmpty();
    assertThat(visitsFor("a.b.c")).isEmpty();
  }

  @Test
  void mixedPatternsEachVisitTheirOwnSubscribers() {
    add("orders.*.created", "star-middle");
    add("*.42.>", "star-then-tail");
    add("orders.42.created", "exact");
    add("chat.>", "other");

    assertThat(visitsFor("orders.42.created")).containsExactlyInAnyOrder("star-middle", "star-then-tail", "exact");
    assertThat(visitsFor("orders.7.created")).containsExactly("star-middle");
    assertThat(visitsFor("billing.42.paid.late")).containsExactly("star-then-tail");
    assertThat(visitsFor("orders.42")).isEmpty();
    assertThat(visitsFor("chat.room-1")).containsExactly("other");
  }

  @Test
  void aSubscriberUnderTwoMatchingPatternsIsVisitedOncePerPattern() {
    add("orders.*", "s");
    add("orders.>", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s", "s");
    assertThat(visitsFor("orders.1.x")).containsExactly("s");
  }

  @Test
  void addingTheSameSubscriberUnderTheSamePatternTwiceVisitsItOnce() {
    add("orders.*", "s");
    add("orders.*", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s");
  }

  @Test
  void removingOnePatternKeepsTheSubscribersOtherPatterns() {
    add("orders.*", "s");
    add("orders.>", "s");

    remove("orders.*", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s");
    assertThat(visitsFor("orders.1.x")).containsExactly("s");
  }

  @Test
  void removingOneSubscriberKeepsTheOthersOfTheSamePattern() {
    add("orders.*", "a");
    add("orders.*", "b");

    remove("orders.*", "a");

    assertThat(visitsFor("orders.1")).containsExactly("b");
  }

  @Test
  void removingWhatWasNeverAddedChangesNothing() {
    add("orders.*", "s");

    remove("orders.*", "someone-else");
    remove("chat.>", "s");
    remove("orders.1.x", "s");

    assertThat(visitsFor("orders.1")).containsExactly("s");
  }

  @Test
  void afterRemovingEverySubscriberNothingMatchesAndTheTrieIsPruned() {
    List<String> patterns = List.of("orders.42", "orders.*", "orders.>", ">", "*.*", "*.42.>", "a.b.c.d.e");
    for (String pattern : patterns) {
      add(pattern, "s-" + pattern);
      add(pattern, "t");
    }

    for (String pattern : patterns) {
      remove(pattern, "s-" + pattern);
      remove(pattern, "t");
    }

    for (String channel : List.of("orders.42", "orders.1.x", "a", "x.42.y", "a.b.c.d.e")) {
      assertThat(visitsFor(channel)).as(channel).isEmpty();
    }
    // Pruned: adding one pattern again visits only it, as on a fresh index.
    add("orders.*", "again");
    assertThat(visitsFor("orders.42")).containsExactly("again");
  }

  @Test
  void forEachMatchAgreesWithChannelPatternMatchesOnRandomPatternsAndNames() {
    SplittableRandom random = new SplittableRandom(20240101);
    for (int round = 0; round < 3_000; round++) {
      SubscriptionIndex<Integer> trie = new SubscriptionIndex<>();
      List<ChannelPattern> patterns = new ArrayList<>();
      boolean[] removed = new boolean[1 + random.nextInt(6)];
      for (int i = 0; i < removed.length; i++) {
        ChannelPattern pattern = ChannelPattern.of(randomPattern(random));
        patterns.add(pattern);
        trie.add(pattern, i);
      }
      for (int i = 0; i < removed.length; i++) {
        if (random.nextInt(4) == 0) {
          removed[i] = true;
          trie.remove(patterns.get(i), i);
        }
      }
      for (int probe = 0; probe < 8; probe++) {
        ChannelName channel = ChannelName.of(randomName(random));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
          if (!removed[i] && patterns.get(i).matches(channel)) {
            expected.add(i);
          }
        }
        List<Integer> visited = new ArrayList<>();
        trie.forEachMatch(channel, visited::add);
        assertThat(visited).as("round %d: %s against %s (removed %s)", round, channel, patterns, Arrays.toString(removed))
            .containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  private static String randomPattern(SplittableRandom random) {
    String[] alphabet = {"a", "b", "c", "*", ">"};
    int length = 1 + random.nextInt(4);
    StringBuilder pattern = new StringBuilder();
    for (int i = 0; i < length; i++) {
      boolean last = i == length - 1;
      // '>' is allowed only as the last segment.
      String segment = alphabet[random.nextInt(last ? alphabet.length : alphabet.length - 1)];
      pattern.append(i == 0 ? "" : ".").append(segment);
    }
    return pattern.toString();
  }

  private static String randomName(SplittableRandom random) {
    String[] alphabet = {"a", "b", "c"};
    int length = 1 + random.nextInt(5);
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < length; i++) {
      name.append(i == 0 ? "" : ".").append(alphabet[random.nextInt(alphabet.length)]);
    }
    return name.toString();
  }
}

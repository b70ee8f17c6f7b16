package io.switchboard.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What a stranger names when submitting a job: the queue (a path segment, or a WebSocket field)
 * and the callback URL ({@code callback=}). Each is accepted or refused with
 * {@link InvalidInputException}, never anything else.
 */
class JobInputPropertiesTest {

  @Property(tries = 300)
  void aQueueIsAcceptedExactlyWhenItIsAShortChannelName(@ForAll("queueText") String queue) {
    boolean byTheRules = ChannelName.isValid(queue) && queue.length() <= Jobs.MAX_QUEUE_LENGTH;
    try {
      assertThat(Jobs.checkQueue(queue)).isEqualTo(queue);
      assertThat(byTheRules).as("accepted").isTrue();
    } catch (InvalidInputException refused) {
      assertThat(byTheRules).as("refused %s", refused.getMessage()).isFalse();
      HostileInput.assertSafeToShow(refused);
    }
  }

  @Property(tries = 500)
  void aCallbackUrlIsAnAbsoluteHttpUrlOrACleanRefusal(@ForAll("urlText") String url) {
    try {
      Jobs.checkCallbackUrl(url);
    } catch (InvalidInputException refused) {
      HostileInput.assertSafeToShow(refused);
      return;
    }
    assertThat(url.toLowerCase(Locale.ROOT)).startsWith("http").contains("://");
    assertThat(url).hasSizeLessThanOrEqualTo(Jobs.MAX_CALLBACK_URL_LENGTH);
  }

  @Provide
  Arbitrary<String> queueText() {
    Arbitrary<String> valid = Arbitraries.strings().withChars("qQ9_-").ofMinLength(1).ofMaxLength(10).list().ofMinSize(1).ofMaxSize(3)
        .map(segments -> String.join(".", segments));
    return Arbitraries.oneOf(HostileInput.text(), valid, HostileInput.oneOff(valid),
        Arbitraries.strings().withChars("q.").ofMinLength(195).ofMaxLength(205));
  }

  @Provide
  Arbitrary<String> urlText() {
    Arbitrary<String> scheme = Arbitraries.of("http://", "https://", "HTTP://", "ftp://", "http:", "http:///", "//", "");
    Arbitrary<String> rest = Arbitraries.oneOf(HostileInput.text(), HostileInput.nearGrammar("ab1.:/@?#[]%-_~!$&'()*+,;="));
    return Arbitraries.oneOf(HostileInput.text(), scheme.flatMap(s -> rest.map(r -> s + r)),
        Arbitraries.strings().withChars("a/").ofMinLength(2_040).ofMaxLength(2_050).map(path -> "http://example.invalid/" + path));
  }
}

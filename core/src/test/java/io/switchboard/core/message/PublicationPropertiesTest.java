package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The event name ({@code ?event=}) and the {@code Idempotency-Key} of a publish come from the
 * client as text: each is accepted exactly when docs/api.md says so, and otherwise refused with
 * {@link InvalidInputException}.
 */
class PublicationPropertiesTest {
  private static final Pattern EVENT = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  @Property(tries = 400)
  void anEventNameIsAcceptedExactlyWhenItFollowsTheRules(@ForAll("eventText") String event) {
    boolean byTheRules = EVENT.matcher(event).matches() && !event.startsWith(Publication.RESERVED_EVENT_PREFIX);
    try {
      Publication publication = new Publication("data", Optional.of(event), Optional.empty());
      assertThat(byTheRules).as("accepted").isTrue();
      assertThat(publication.event()).contains(event);
    } catch (InvalidInputException refused) {
      assertThat(byTheRules).as("refused %s", refused.getMessage()).isFalse();
      HostileInput.assertSafeToShow(refused);
    }
  }

  @Property(tries = 400)
  void anIdempotencyKeyIsAcceptedExactlyWhenItFollowsTheRules(@ForAll("keyText") String key) {
    boolean byTheRules = IDEMPOTENCY_KEY.matcher(key).matches();
    try {
      Publication publication = new Publication("data", Optional.empty(), Optional.of(key));
      assertThat(byTheRules).as("accepted").isTrue();
      assertThat(publication.idempotencyKey()).contains(key);
    } catch (InvalidInputException refused) {
      assertThat(byTheRules).as("refused %s", refused.getMessage()).isFalse();
      HostileInput.assertSafeToShow(refused);
    }
  }

  @Provide
  Arbitrary<String> eventText() {
    Arbitrary<String> valid = Arbitraries.strings().withChars("azAZ09_.:-").ofMinLength(1).ofMaxLength(64);
    return Arbitraries.oneOf(HostileInput.text(), HostileInput.nearGrammar("aZ9_.:-"), valid, HostileInput.oneOff(valid),
        Arbitraries.strings().withChars("e.").ofMinLength(60).ofMaxLength(70),
        Arbitraries.strings().withChars("a.").map(rest -> Publication.RESERVED_EVENT_PREFIX + rest));
  }

  @Provide
  Arbitrary<String> keyText() {
    Arbitrary<String> valid = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
    return Arbitraries.oneOf(HostileInput.text(), Arbitraries.strings().ascii().ofMaxLength(40), HostileInput.oneOff(valid),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(250).ofMaxLength(260));
  }
}

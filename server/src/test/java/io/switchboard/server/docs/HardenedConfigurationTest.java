package io.switchboard.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.Settings;
import io.switchboard.server.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardened configuration in docs/security.md is a configuration the server accepts, and means what it says. */
class HardenedConfigurationTest {
  private static final Path SECURITY_DOC = Path.of("..", "docs", "security.md");

  @Test
  void theHardenedExampleLoadsWithEverySettingItShows(@TempDir Path dir) throws Exception {
    String doc = Files.readString(SECURITY_DOC);
    Matcher block = Pattern.compile("## A hardened configuration.*?```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(block.find()).as("security.md has a hardened configuration in a yaml block").isTrue();
    Path file = Files.writeString(dir.resolve("hardened.yaml"), block.group(1));

    Settings settings = SettingsLoader.load(Map.of(SettingsLoader.CONFIG, file.toString()), Map.of());

    assertThat(settings.tls().enabled()).isTrue();
    assertThat(settings.auth().enabled()).isTrue();
    assertThat(settings.auth().queryToken()).isFalse();
    assertThat(settings.auth().anonymousSubscribe()).containsExactly("public.>");
    assertThat(settings.corsOrigins()).isEqualTo(List.of("https://app.example.com"));
    assertThat(settings.limits().publishRate()).isEqualTo(100);
    assertThat(settings.limits().requestTimeout()).isEqualTo(Duration.ofSeconds(15));
  }
}

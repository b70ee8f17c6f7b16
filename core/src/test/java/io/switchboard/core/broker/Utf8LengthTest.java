package io.switchboard.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8LengthTest {

  @ParameterizedTest(name = "[{index}] {1} bytes")
  @CsvSource(delimiter = '|', value = {
      "''                   | 0",
      "a                    | 1",
      "\u007f               | 1",
      "\u0080               | 2",
      "\u00e9               | 2",
      "\u07ff               | 2",
      "\u0800               | 3",
      "\u20ac               | 3",
      "\uffff               | 3",
      "\ud800\udc00         | 4",
      "\ud83d\ude00         | 4",
      "\udbff\udfff         | 4",
      "a\u00e9\u20ac\ud83d\ude00 | 10",
  })
  void countsTheBytesOfEachCharacterInUtf8(String text, long bytes) {
    assertThat(Broker.utf8Length(text)).isEqualTo(bytes).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void agreesWithTheJdkEncoderOnRandomWellFormedText() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder text = new StringBuilder();
      int codePoints = random.nextInt(0, 40);
      for (int i = 0; i < codePoints; i++) {
        int codePoint = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(0, 0x80);
          case 1 -> random.nextInt(0x80, 0x800);
          case 2 -> random.nextInt(0x800, 0x10000);
          default -> random.nextInt(0x10000, 0x110000);
        };
        if (Character.isSurrogate((char) codePoint) && codePoint < 0x10000) {
          continue;
        }
        text.appendCodePoint(codePoint);
      }
      String sample = text.toString();
      assertThat(Broker.utf8Length(sample)).as("UTF-8 length of %s", sample.codePoints().boxed().toList())
          .isEqualTo(sample.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aLoneSurrogateIsCountedAsTheThreeBytesOfItsReplacementNeverLess() {
    for (String text : new String[] {"\ud83d", "\ude00", "a\ud83d", "\ude00\ud83d", "\ud83dx"}) {
      assertThat(Broker.utf8Length(text)).isGreaterThanOrEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(Broker.utf8Length("\ud83d")).isEqualTo(3);
    assertThat(Broker.utf8Length("\ude00\ud83d")).isEqualTo(6);
  }
}

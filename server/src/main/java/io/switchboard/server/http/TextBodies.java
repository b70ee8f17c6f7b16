package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RequestBody;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Request bodies taken as text: message data, job data, results and errors. */
final class TextBodies {
  private TextBodies() {}

  /**
   * The body as text; empty when there is none.
   *
   * @param what names the body in the error, e.g. "the message body"
   * @throws InvalidInputException when the body is not valid UTF-8
   */
  static String utf8(RequestBody body, String what) {
    return utf8(body == null ? null : body.buffer(), what);
  }

  /** The bytes as text, as {@link #utf8(RequestBody, String)}; for bodies read without the router. */
  static String utf8(Buffer bytes, String what) {
    if (bytes == null || bytes.length() == 0) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.getBytes()))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      throw new InvalidInputException(what + " is not valid UTF-8 text");
    }
  }
}

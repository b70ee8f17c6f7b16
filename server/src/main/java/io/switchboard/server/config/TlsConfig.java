package io.switchboard.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * HTTPS (and WSS) on the server's port: both files or neither.
 *
 * @param cert a PEM file with the certificate chain, the server's own certificate first ({@code tls.cert})
 * @param key a PEM file with the certificate's private key, PKCS#8 or PKCS#1 ({@code tls.key})
 */
public record TlsConfig(Optional<Path> cert, Optional<Path> key) {
  public TlsConfig {
    if (cert.isPresent() != key.isPresent()) {
      throw new SettingsException("invalid setting " + (cert.isPresent() ? "tls.key" : "tls.cert")
          + ": TLS needs both tls.cert and tls.key (--tls-cert and --tls-key), or neither");
    }
  }

  public static TlsConfig off() {
    return new TlsConfig(Optional.empty(), Optional.empty());
  }

  public static TlsConfig of(Path cert, Path key) {
    return new TlsConfig(Optional.of(cert), Optional.of(key));
  }

  public boolean enabled() {
    return cert.isPresent();
  }
}

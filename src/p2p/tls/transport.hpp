// The /tls/1.0.0 session after the handshake (libp2p/tls/tls.md): TLS 1.3 application data
// records over OpenSSL memory BIOs. Pure: bytes in, bytes out, no socket.
#pragma once

#include <cstddef>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/tls/openssl.hpp"

namespace meshchat::p2p::tls {

class Handshake;

class SecureTransport {
 public:
  // The most plaintext one TLS record carries (RFC 8446 §5.1).
  static constexpr std::size_t kMaxPlaintext = 16 * 1024;

  SecureTransport(SecureTransport&&) noexcept = default;
  SecureTransport& operator=(SecureTransport&&) noexcept = default;

  // Encrypts `plaintext` into ceil(size / kMaxPlaintext) records appended to `out` (none for an
  // empty plaintext), preceded by any record TLS itself owes the peer (a KeyUpdate answer).
  // After a failure every later call returns the same error: the connection must close.
  Result<void> encrypt(ByteView plaintext, Bytes& out);

  // Consumes ciphertext in any chunking and appends the plaintext of every complete record to
  // `out`, buffering a partial record. Errors: decrypt_failed, bad_record, alert_received (e.g.
  // the server refused our certificate after our handshake completed), closed (close_notify).
  // `out` then holds the plaintext before the failure, and every later call returns the same
  // error: the connection must close.
  Result<void> decrypt(ByteView ciphertext, Bytes& out);

  // Appends a close_notify alert to `out`: we send no more data, and the peer's decrypt() returns
  // Error::closed once it has the data before it. Later encrypt() calls fail.
  Result<void> close(Bytes& out);

  // Records TLS itself has produced since the last encrypt() (a KeyUpdate answer, or the alert
  // sent after a failure); encrypt() also sends them, this lets the glue flush them early.
  Bytes take_output();

 private:
  friend class Handshake;
  // `ssl` has finished its handshake and owns its two memory BIOs.
  explicit SecureTransport(SslPtr ssl);

  SslPtr ssl_;
  std::error_code failed_;
};

}  // namespace meshchat::p2p::tls

// ChannelCipher: the record layer of whichever security protocol secured a connection (Noise,
// TLS 1.3 or plaintext), behind one encrypt/decrypt interface for the Connection's I/O loops.
#pragma once

#include <string_view>
#include <variant>

#include "p2p/noise/transport.hpp"
#include "p2p/tls/transport.hpp"

namespace meshchat::p2p {

enum class Security { noise, tls, plaintext };

inline constexpr std::string_view kNoiseProtocol = "/noise";
inline constexpr std::string_view kTlsProtocol = "/tls/1.0.0";
inline constexpr std::string_view kPlaintextProtocol = "/plaintext/2.0.0";

std::string_view protocol_id(Security security);
std::optional<Security> security_from_protocol(std::string_view protocol);

class ChannelCipher {
 public:
  explicit ChannelCipher(noise::SecureTransport transport) : impl_(std::move(transport)) {}
  explicit ChannelCipher(tls::SecureTransport transport) : impl_(std::move(transport)) {}
  // `/plaintext/2.0.0`: bytes pass unchanged (only for `meshchat p2pd -plaintext`).
  static ChannelCipher plaintext() { return ChannelCipher(Plain{}); }

  // Appends the records for `plaintext` to `out`; an error means the connection must close.
  Result<void> encrypt(ByteView plaintext, Bytes& out);
  // Appends the plaintext of every complete record in `ciphertext` to `out`.
  Result<void> decrypt(ByteView ciphertext, Bytes& out);

 private:
  struct Plain {};
  explicit ChannelCipher(Plain plain) : impl_(plain) {}
  std::variant<noise::SecureTransport, tls::SecureTransport, Plain> impl_;
};

}  // namespace meshchat::p2p

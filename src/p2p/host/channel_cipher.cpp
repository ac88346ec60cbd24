#include "p2p/host/channel_cipher.hpp"

namespace meshchat::p2p {

std::string_view protocol_id(Security security) {
  switch (security) {
    case Security::noise:
      return kNoiseProtocol;
    case Security::tls:
      return kTlsProtocol;
    case Security::plaintext:
      return kPlaintextProtocol;
  }
  return kNoiseProtocol;
}

std::optional<Security> security_from_protocol(std::string_view protocol) {
  for (auto security : {Security::noise, Security::tls, Security::plaintext}) {
    if (protocol == protocol_id(security)) return security;
  }
  return std::nullopt;
}

Result<void> ChannelCipher::encrypt(ByteView plaintext, Bytes& out) {
  return std::visit(
      [&](auto& transport) -> Result<void> {
        if constexpr (std::is_same_v<std::decay_t<decltype(transport)>, Plain>) {
          append(out, plaintext);
          return {};
        } else {
          return transport.encrypt(plaintext, out);
        }
      },
      impl_);
}

Result<void> ChannelCipher::decrypt(ByteView ciphertext, Bytes& out) {
  return std::visit(
      [&](auto& transport) -> Result<void> {
        if constexpr (std::is_same_v<std::decay_t<decltype(transport)>, Plain>) {
          append(out, ciphertext);
          return {};
        } else {
          return transport.decrypt(ciphertext, out);
        }
      },
      impl_);
}

}  // namespace meshchat::p2p

// The connection upgrader (connections/README.md "Upgrading connections"): multistream-select a
// security protocol (Noise, TLS 1.3 or plaintext), run its handshake, agree on yamux.
#pragma once

#include <optional>
#include <vector>

#include "core/rng.hpp"
#include "p2p/host/channel_cipher.hpp"
#include "p2p/host/connection.hpp"

namespace meshchat::p2p {

inline constexpr const char* kYamuxProtocol = "/yamux/1.0.0";

struct UpgradeContext {
  const crypto::PrivateKey& identity;
  Rng& rng;
  yamux::Config yamux;
  ConnectionObserver& observer;
  // Security protocols in order of preference; inbound accepts any of them.
  std::vector<Security> security = {Security::noise};
  // Outbound, propose the first security protocol lazily with its first handshake message
  // (one round trip less); otherwise negotiate over the whole list first.
  bool optimistic_security = true;
};

// A secured channel with yamux agreed, before the Connection takes the socket over.
struct SecureChannel {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  Security security;
  ChannelCipher cipher;
  Bytes early_plaintext;  // yamux bytes the peer sent right behind the negotiation
};

asio::awaitable<Result<SecureChannel>> secure_channel(tcp::Socket& socket, Direction direction,
                                                      std::optional<crypto::PeerId> expected,
                                                      UpgradeContext context);

// Secures and multiplexes a fresh TCP connection. `expected` (outbound only) is the PeerId the
// dialed address named; a different remote fails with a "peer id mismatch" error.
asio::awaitable<Result<std::shared_ptr<Connection>>> upgrade(tcp::Socket socket,
                                                             Direction direction,
                                                             std::optional<crypto::PeerId> expected,
                                                             UpgradeContext context);

}  // namespace meshchat::p2p

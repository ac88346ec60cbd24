// The connection upgrader (connections/README.md "Upgrading connections"): multistream-select
// `/noise`, the Noise XX handshake with early muxer negotiation, then yamux.
#pragma once

#include <optional>

#include "core/rng.hpp"
#include "p2p/host/connection.hpp"

namespace meshchat::p2p {

inline constexpr const char* kNoiseProtocol = "/noise";
inline constexpr const char* kYamuxProtocol = "/yamux/1.0.0";

struct UpgradeContext {
  const crypto::PrivateKey& identity;
  Rng& rng;
  yamux::Config yamux;
  ConnectionObserver& observer;
};

// A secured channel with yamux agreed, before the Connection takes the socket over.
struct SecureChannel {
  noise::HandshakeResult handshake;
  Bytes early_plaintext;  // yamux bytes the peer sent right behind the negotiation
};

// multistream-select `/noise`, the handshake, and (if Noise did not settle it) the muxer.
asio::awaitable<Result<SecureChannel>> secure_channel(tcp::Socket& socket, Direction direction,
                                                      std::optional<crypto::PeerId> expected,
                                                      UpgradeContext context);

// Secures and multiplexes a fresh TCP connection. `expected` (outbound only) is the PeerId the
// dialed address named; a different remote fails with crypto::Error::peer_id_mismatch.
asio::awaitable<Result<std::shared_ptr<Connection>>> upgrade(tcp::Socket socket,
                                                             Direction direction,
                                                             std::optional<crypto::PeerId> expected,
                                                             UpgradeContext context);

}  // namespace meshchat::p2p

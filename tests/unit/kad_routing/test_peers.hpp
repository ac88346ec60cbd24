// PeerIds for the keyspace tests: real Ed25519 ones from a numbered seed, and cheap sha2-256
// ones with made-up digests (as good as real ones for XOR distances).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::kad::testing {

inline crypto::PeerId ed25519_peer(std::uint32_t n) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < 4; ++i) seed[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return crypto::PeerId::from_public_key(crypto::PrivateKey::ed25519_from_seed(seed).public_key());
}

inline crypto::PeerId hashed_peer(std::uint32_t n) {
  Bytes multihash = {0x12, 0x20};
  auto digest = crypto::sha256(as_bytes(std::to_string(n)));
  multihash.insert(multihash.end(), digest.begin(), digest.end());
  return *crypto::PeerId::from_bytes(multihash);
}

}  // namespace meshchat::p2p::kad::testing

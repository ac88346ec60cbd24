// Kademlia keyspace (kad-dht/README.md "Distance"): a key is sha256 of its bytes, and the distance
// between two keys is their XOR read as a 256-bit big-endian number.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::kad {

// The replication parameter k (spec "Replication parameter"): bucket size and lookup width.
inline constexpr std::size_t kBucketSize = 20;
// The spec's default alpha: queries a lookup keeps in flight at once.
inline constexpr std::size_t kConcurrency = 10;
// sha256 output: the keyspace the spec defines, and so the number of common-prefix lengths.
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kKeyBits = kKeyBytes * 8;

// A point in the keyspace: sha256 of the key bytes (for peers: of PeerId::bytes()).
struct KadKey {
  std::array<std::uint8_t, kKeyBytes> bytes{};

  static KadKey of(ByteView raw);
  static KadKey of(const crypto::PeerId& peer);

  auto operator<=>(const KadKey&) const = default;
};

KadKey distance(const KadKey& a, const KadKey& b);
// Leading bits `a` and `b` share: 0..256, 256 only when they are equal.
std::size_t common_prefix_length(const KadKey& a, const KadKey& b);
// True if `a` is strictly closer to `target` than `b`.
bool closer_to(const KadKey& target, const KadKey& a, const KadKey& b);
// `peers` sorted by distance to `target`, closest first (stable for ties, so duplicates keep
// their order), at most `count`.
std::vector<crypto::PeerId> sort_by_distance(const KadKey& target,
                                             std::vector<crypto::PeerId> peers, std::size_t count);

}  // namespace meshchat::p2p::kad

#include "p2p/kad/key.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "crypto/hash.hpp"

namespace meshchat::p2p::kad {

KadKey KadKey::of(ByteView raw) {
  return KadKey{crypto::sha256(raw)};
}

KadKey KadKey::of(const crypto::PeerId& peer) {
  return of(ByteView(peer.bytes()));
}

KadKey distance(const KadKey& a, const KadKey& b) {
  KadKey out;
  for (std::size_t i = 0; i < kKeyBytes; ++i) {
    out.bytes[i] = static_cast<std::uint8_t>(a.bytes[i] ^ b.bytes[i]);
  }
  return out;
}

std::size_t common_prefix_length(const KadKey& a, const KadKey& b) {
  for (std::size_t i = 0; i < kKeyBytes; ++i) {
    auto differing = static_cast<std::uint8_t>(a.bytes[i] ^ b.bytes[i]);
    if (differing != 0) return i * 8 + static_cast<std::size_t>(std::countl_zero(differing));
  }
  return kKeyBits;
}

bool closer_to(const KadKey& target, const KadKey& a, const KadKey& b) {
  // The first byte where the two distances differ decides, as in a big-endian comparison.
  for (std::size_t i = 0; i < kKeyBytes; ++i) {
    auto distance_a = static_cast<std::uint8_t>(a.bytes[i] ^ target.bytes[i]);
    auto distance_b = static_cast<std::uint8_t>(b.bytes[i] ^ target.bytes[i]);
    if (distance_a != distance_b) return distance_a < distance_b;
  }
  return false;
}

std::vector<crypto::PeerId> sort_by_distance(const KadKey& target,
                                             std::vector<crypto::PeerId> peers, std::size_t count) {
  // Hash each peer once rather than in every comparison.
  std::vector<std::pair<KadKey, std::size_t>> keyed;
  keyed.reserve(peers.size());
  for (std::size_t i = 0; i < peers.size(); ++i) keyed.emplace_back(KadKey::of(peers[i]), i);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return closer_to(target, a.first, b.first);
  });
  std::vector<crypto::PeerId> out;
  out.reserve(std::min(count, keyed.size()));
  for (const auto& [key, index] : keyed) {
    if (out.size() == count) break;
    out.push_back(std::move(peers[index]));
  }
  return out;
}

}  // namespace meshchat::p2p::kad

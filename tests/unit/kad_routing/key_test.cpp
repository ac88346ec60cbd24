// Kademlia keyspace: sha256 keys, XOR distance and common prefix lengths on hand-made keys, and
// sort_by_distance against a brute-force selection.
#include "p2p/kad/key.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"

namespace meshchat::p2p::kad {
namespace {

// A sha2-256 PeerId with a made-up digest: cheap, and as good as a real one for the keyspace.
crypto::PeerId hashed_peer(std::uint32_t n) {
  Bytes multihash = {0x12, 0x20};
  auto digest = crypto::sha256(as_bytes(std::to_string(n)));
  multihash.insert(multihash.end(), digest.begin(), digest.end());
  return *crypto::PeerId::from_bytes(multihash);
}

KadKey key_with(std::size_t byte, std::uint8_t value) {
  KadKey key;
  key.bytes[byte] = value;
  return key;
}

TEST(KadKey, IsSha256OfTheBytes) {
  EXPECT_EQ(to_hex(KadKey::of(ByteView{}).bytes),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(KadKey::of(as_bytes("abc")).bytes),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(KadKey, OfPeerHashesItsMultihash) {
  auto peer = crypto::PeerId::from_public_key(
      crypto::PrivateKey::ed25519_from_seed(std::array<std::uint8_t, 32>{}).public_key());
  EXPECT_EQ(KadKey::of(peer), KadKey::of(ByteView(peer.bytes())));
  EXPECT_NE(KadKey::of(peer), KadKey::of(ByteView(peer.bytes()).subspan(1)));
}

TEST(KadKey, DistanceIsXor) {
  KadKey a;
  KadKey b;
  a.bytes[0] = 0xf0;
  a.bytes[31] = 0x0f;
  b.bytes[0] = 0xff;
  b.bytes[15] = 0x01;
  auto d = distance(a, b);
  EXPECT_EQ(d.bytes[0], 0x0f);
  EXPECT_EQ(d.bytes[15], 0x01);
  EXPECT_EQ(d.bytes[31], 0x0f);
  EXPECT_EQ(d.bytes[1], 0x00);
  EXPECT_EQ(distance(a, a), KadKey{});
  EXPECT_EQ(distance(a, b), distance(b, a));
}

TEST(KadKey, CommonPrefixLength) {
  KadKey zero;
  EXPECT_EQ(common_prefix_length(zero, zero), 256u);
  EXPECT_EQ(common_prefix_length(zero, key_with(0, 0x80)), 0u);  // the first bit differs
  EXPECT_EQ(common_prefix_length(zero, key_with(0, 0x40)), 1u);
  EXPECT_EQ(common_prefix_length(zero, key_with(0, 0x01)), 7u);
  EXPECT_EQ(common_prefix_length(zero, key_with(1, 0x10)), 11u);
  EXPECT_EQ(common_prefix_length(zero, key_with(31, 0x01)), 255u);  // only the last bit
  auto ones = key_with(0, 0xff);
  EXPECT_EQ(common_prefix_length(ones, key_with(0, 0xfe)), 7u);
}

TEST(KadKey, CloserToComparesBigEndian) {
  KadKey target;
  // A difference in the first byte outweighs any difference further on.
  auto far = key_with(0, 0x01);
  auto near = key_with(31, 0xff);
  EXPECT_TRUE(closer_to(target, near, far));
  EXPECT_FALSE(closer_to(target, far, near));
  EXPECT_FALSE(closer_to(target, near, near));  // strict
  EXPECT_TRUE(closer_to(target, target, near));
  // Distance is to the target, not to zero.
  auto other_target = key_with(0, 0x01);
  EXPECT_TRUE(closer_to(other_target, far, near));
}

std::vector<crypto::PeerId> brute_force_sort(const KadKey& target,
                                             const std::vector<crypto::PeerId>& peers,
                                             std::size_t count) {
  // Repeated selection of the minimum, earliest on ties: independent of the implementation.
  std::vector<bool> taken(peers.size(), false);
  std::vector<crypto::PeerId> out;
  while (out.size() < std::min(count, peers.size())) {
    std::size_t best = peers.size();
    std::array<std::uint8_t, 32> best_distance{};
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (taken[i]) continue;
      auto d = distance(target, KadKey::of(peers[i])).bytes;
      if (best == peers.size() || d < best_distance) {
        best = i;
        best_distance = d;
      }
    }
    taken[best] = true;
    out.push_back(peers[best]);
  }
  return out;
}

RC_GTEST_PROP(KadKey, SortByDistanceMatchesBruteForce, ()) {
  // Small peer numbers make duplicates likely: each copy must be kept.
  auto numbers = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::inRange(0u, 40u));
  auto count = *rc::gen::inRange<std::size_t>(0, 50);
  auto target = KadKey::of(as_bytes(std::to_string(*rc::gen::arbitrary<std::uint32_t>())));
  std::vector<crypto::PeerId> peers;
  for (auto n : numbers) peers.push_back(hashed_peer(n));
  auto sorted = sort_by_distance(target, peers, count);
  RC_ASSERT(sorted == brute_force_sort(target, peers, count));
  RC_ASSERT(sorted.size() == std::min(count, peers.size()));
}

}  // namespace
}  // namespace meshchat::p2p::kad

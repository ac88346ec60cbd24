// RoutingTable: self refused, k-bucket capacity among peers of one common prefix length,
// recency order, removal, and closest() against a brute force over every added peer.
#include "p2p/kad/routing_table.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"

#include "test_peers.hpp"

namespace meshchat::p2p::kad {
namespace {

using testing::ed25519_peer;
using testing::hashed_peer;

// Ed25519 peers grouped by common prefix length with `self`: half share no prefix bit, a quarter
// share one, and so on, so a few hundred keys fill the first buckets past k.
std::map<std::size_t, std::vector<crypto::PeerId>> by_prefix_length(const crypto::PeerId& self,
                                                                    std::uint32_t how_many) {
  std::map<std::size_t, std::vector<crypto::PeerId>> groups;
  auto self_key = KadKey::of(self);
  for (std::uint32_t n = 1; n <= how_many; ++n) {
    auto peer = ed25519_peer(1000 + n);
    groups[common_prefix_length(self_key, KadKey::of(peer))].push_back(peer);
  }
  return groups;
}

TEST(RoutingTable, RefusesSelf) {
  auto self = ed25519_peer(0);
  RoutingTable table(self);
  EXPECT_EQ(table.add(self), RoutingTable::Update::is_self);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.contains(self));
  EXPECT_FALSE(table.remove(self));
  EXPECT_EQ(table.self(), self);
  EXPECT_TRUE(table.closest(KadKey::of(self), 20).empty());
}

TEST(RoutingTable, BucketFullAtKPlusOnePeersOfOnePrefixLength) {
  auto self = ed25519_peer(0);
  auto groups = by_prefix_length(self, 200);
  for (std::size_t prefix : {0u, 1u}) {
    ASSERT_GT(groups[prefix].size(), kBucketSize) << prefix;
  }
  RoutingTable table(self);
  for (std::size_t prefix : {0u, 1u}) {
    const auto& group = groups[prefix];
    for (std::size_t i = 0; i < kBucketSize; ++i) {
      EXPECT_EQ(table.add(group[i]), RoutingTable::Update::added) << prefix << " " << i;
    }
    EXPECT_EQ(table.add(group[kBucketSize]), RoutingTable::Update::bucket_full);
    EXPECT_FALSE(table.contains(group[kBucketSize]));
  }
  EXPECT_EQ(table.size(), 2 * kBucketSize);
  // Other buckets are unaffected by the full ones.
  ASSERT_FALSE(groups[2].empty());
  EXPECT_EQ(table.add(groups[2][0]), RoutingTable::Update::added);
  EXPECT_EQ(table.size(), 2 * kBucketSize + 1);
}

TEST(RoutingTable, RefreshMovesToMostRecentlySeen) {
  auto self = ed25519_peer(0);
  auto group = by_prefix_length(self, 100)[0];
  ASSERT_GE(group.size(), 5u);
  RoutingTable table(self, 3);
  EXPECT_EQ(table.oldest_in_bucket_of(group[0]), std::nullopt);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(table.add(group[i]), RoutingTable::Update::added);
  EXPECT_EQ(table.oldest_in_bucket_of(group[4]), group[0]);
  EXPECT_EQ(table.add(group[0]), RoutingTable::Update::refreshed);
  EXPECT_EQ(table.oldest_in_bucket_of(group[4]), group[1]);
  EXPECT_EQ(table.size(), 3u);
  // The caller's eviction: drop the oldest, then the newcomer fits.
  EXPECT_EQ(table.add(group[3]), RoutingTable::Update::bucket_full);
  EXPECT_TRUE(table.remove(*table.oldest_in_bucket_of(group[3])));
  EXPECT_EQ(table.add(group[3]), RoutingTable::Update::added);
  EXPECT_EQ(table.peers(), (std::vector<crypto::PeerId>{group[2], group[0], group[3]}));
}

TEST(RoutingTable, Remove) {
  auto self = ed25519_peer(0);
  RoutingTable table(self);
  auto a = ed25519_peer(1);
  auto b = ed25519_peer(2);
  EXPECT_FALSE(table.remove(a));
  table.add(a);
  table.add(b);
  EXPECT_TRUE(table.remove(a));
  EXPECT_FALSE(table.contains(a));
  EXPECT_TRUE(table.contains(b));
  EXPECT_FALSE(table.remove(a));
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.peers(), std::vector<crypto::PeerId>{b});
  EXPECT_EQ(table.add(a), RoutingTable::Update::added);
}

RC_GTEST_PROP(RoutingTable, ClosestMatchesBruteForce, ()) {
  auto self = hashed_peer(*rc::gen::arbitrary<std::uint32_t>());
  // Small buckets so that some adds are refused and must not appear in closest().
  auto bucket_size = *rc::gen::inRange<std::size_t>(1, 6);
  auto numbers =
      *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::arbitrary<std::uint32_t>());
  auto count = *rc::gen::inRange<std::size_t>(0, 40);
  auto target = KadKey::of(as_bytes(std::to_string(*rc::gen::arbitrary<std::uint32_t>())));

  RoutingTable table(self, bucket_size);
  std::vector<crypto::PeerId> added;
  for (auto n : numbers) {
    auto peer = hashed_peer(n);
    if (table.add(peer) == RoutingTable::Update::added) added.push_back(peer);
  }
  RC_ASSERT(table.size() == added.size());
  std::sort(added.begin(), added.end(), [&](const auto& a, const auto& b) {
    return distance(target, KadKey::of(a)).bytes < distance(target, KadKey::of(b)).bytes;
  });
  added.erase(added.begin() + static_cast<std::ptrdiff_t>(std::min(count, added.size())),
              added.end());
  RC_ASSERT(table.closest(target, count) == added);
}

}  // namespace
}  // namespace meshchat::p2p::kad

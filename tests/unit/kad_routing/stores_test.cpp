// RecordStore and ProviderStore on simulated time: expiry exactly at the max_age/ttl boundary,
// capacity eviction order, provider refresh and the answer limit.
#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "p2p/kad/provider_store.hpp"
#include "p2p/kad/record_store.hpp"

namespace meshchat::p2p::kad {
namespace {

using std::chrono::hours;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const TimePoint kStart = TimePoint{} + hours(1);
constexpr nanoseconds kTick{1};  // the clock's resolution: the smallest step past a boundary

crypto::PeerId hashed_peer(std::uint32_t n) {
  Bytes multihash = {0x12, 0x20};
  auto digest = crypto::sha256(as_bytes(std::to_string(n)));
  multihash.insert(multihash.end(), digest.begin(), digest.end());
  return *crypto::PeerId::from_bytes(multihash);
}

std::optional<std::string> text(std::optional<Bytes> value) {
  if (!value) return std::nullopt;
  return std::string(as_string(*value));
}

TEST(RecordStore, Defaults) {
  EXPECT_EQ(kMaxRecordAge, hours(36));
  EXPECT_EQ(kMaxRecords, 4096u);
}

TEST(RecordStore, PutGetReplace) {
  RecordStore store;
  EXPECT_EQ(store.get(as_bytes("k"), kStart), std::nullopt);
  store.put(to_bytes("k"), to_bytes("v1"), kStart);
  store.put(to_bytes("other"), to_bytes("x"), kStart);
  EXPECT_EQ(text(store.get(as_bytes("k"), kStart)), "v1");
  store.put(to_bytes("k"), to_bytes("v2"), kStart + seconds(1));
  EXPECT_EQ(text(store.get(as_bytes("k"), kStart + seconds(1))), "v2");
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.get(as_bytes("kk"), kStart), std::nullopt);
}

TEST(RecordStore, ExpiresJustAfterMaxAge) {
  RecordStore store(10, hours(36));
  store.put(to_bytes("k"), to_bytes("v"), kStart);
  EXPECT_EQ(text(store.get(as_bytes("k"), kStart + hours(36))), "v");
  EXPECT_EQ(store.get(as_bytes("k"), kStart + hours(36) + kTick), std::nullopt);
  EXPECT_EQ(store.size(), 0u);  // dropped by the expired get
}

TEST(RecordStore, ReplacingRestartsTheAge) {
  RecordStore store(10, hours(1));
  store.put(to_bytes("k"), to_bytes("v1"), kStart);
  store.put(to_bytes("k"), to_bytes("v2"), kStart + hours(1));
  EXPECT_EQ(text(store.get(as_bytes("k"), kStart + hours(2))), "v2");
  EXPECT_EQ(store.get(as_bytes("k"), kStart + hours(2) + kTick), std::nullopt);
}

TEST(RecordStore, FullStoreDropsOldestStored) {
  RecordStore store(3);
  store.put(to_bytes("a"), to_bytes("1"), kStart);
  store.put(to_bytes("b"), to_bytes("2"), kStart + seconds(1));
  store.put(to_bytes("c"), to_bytes("3"), kStart + seconds(2));
  // Replacing in a full store evicts nothing, and makes "a" the newest.
  store.put(to_bytes("a"), to_bytes("1'"), kStart + seconds(3));
  EXPECT_EQ(store.size(), 3u);
  store.put(to_bytes("d"), to_bytes("4"), kStart + seconds(4));
  EXPECT_EQ(store.size(), 3u);
  auto now = kStart + seconds(5);
  EXPECT_EQ(store.get(as_bytes("b"), now), std::nullopt);
  EXPECT_EQ(text(store.get(as_bytes("a"), now)), "1'");
  EXPECT_EQ(text(store.get(as_bytes("c"), now)), "3");
  store.put(to_bytes("e"), to_bytes("5"), now);
  EXPECT_EQ(store.get(as_bytes("c"), now), std::nullopt);
  EXPECT_EQ(text(store.get(as_bytes("d"), now)), "4");
}

TEST(RecordStore, SameTimePutsEvictInPutOrder) {
  RecordStore store(2);
  store.put(to_bytes("z"), to_bytes("1"), kStart);
  store.put(to_bytes("a"), to_bytes("2"), kStart);
  store.put(to_bytes("m"), to_bytes("3"), kStart);
  EXPECT_EQ(store.get(as_bytes("z"), kStart), std::nullopt);
  EXPECT_EQ(text(store.get(as_bytes("a"), kStart)), "2");
}

TEST(ProviderStore, Defaults) {
  EXPECT_EQ(kProviderTtl, hours(48));
  EXPECT_EQ(kMaxProviderKeys, 4096u);
  EXPECT_EQ(kMaxProvidersPerKey, 64u);
}

TEST(ProviderStore, NewestFirstWithLimit) {
  ProviderStore store;
  auto key = to_bytes("multihash");
  for (std::uint32_t n = 0; n < 5; ++n) store.add(key, hashed_peer(n), kStart + seconds(n));
  auto now = kStart + seconds(10);
  EXPECT_EQ(store.providers(key, now, 3),
            (std::vector<crypto::PeerId>{hashed_peer(4), hashed_peer(3), hashed_peer(2)}));
  EXPECT_EQ(store.providers(key, now, 100).size(), 5u);
  EXPECT_TRUE(store.providers(key, now, 0).empty());
  EXPECT_TRUE(store.providers(as_bytes("unknown"), now, 10).empty());
  EXPECT_EQ(store.key_count(), 1u);
}

TEST(ProviderStore, ExpiresJustAfterTtl) {
  ProviderStore store(10, 10, hours(48));
  auto key = to_bytes("k");
  store.add(key, hashed_peer(1), kStart);
  store.add(key, hashed_peer(2), kStart + hours(1));
  EXPECT_EQ(store.providers(key, kStart + hours(48), 10).size(), 2u);
  EXPECT_EQ(store.providers(key, kStart + hours(48) + kTick, 10),
            std::vector<crypto::PeerId>{hashed_peer(2)});
  EXPECT_TRUE(store.providers(key, kStart + hours(49) + kTick, 10).empty());
  EXPECT_EQ(store.key_count(), 0u);  // purged with its last provider
}

TEST(ProviderStore, RefreshMovesToNewestAndExtendsTtl) {
  ProviderStore store(10, 10, hours(48));
  auto key = to_bytes("k");
  store.add(key, hashed_peer(1), kStart);
  store.add(key, hashed_peer(2), kStart + hours(1));
  store.add(key, hashed_peer(1), kStart + hours(2));
  EXPECT_EQ(store.providers(key, kStart + hours(2), 10),
            (std::vector<crypto::PeerId>{hashed_peer(1), hashed_peer(2)}));
  EXPECT_EQ(store.providers(key, kStart + hours(49) + kTick, 10),
            std::vector<crypto::PeerId>{hashed_peer(1)});
}

TEST(ProviderStore, FullKeyDropsOldestProvider) {
  ProviderStore store(10, 3);
  auto key = to_bytes("k");
  for (std::uint32_t n = 0; n < 3; ++n) store.add(key, hashed_peer(n), kStart + seconds(n));
  store.add(key, hashed_peer(0), kStart + seconds(3));  // refresh: nothing dropped
  EXPECT_EQ(store.providers(key, kStart + seconds(3), 10).size(), 3u);
  store.add(key, hashed_peer(3), kStart + seconds(4));  // drops 1, now the oldest
  EXPECT_EQ(store.providers(key, kStart + seconds(4), 10),
            (std::vector<crypto::PeerId>{hashed_peer(3), hashed_peer(0), hashed_peer(2)}));
}

TEST(ProviderStore, FullStoreDropsKeyWhoseNewestProviderIsOldest) {
  ProviderStore store(2, 10);
  auto a = to_bytes("a");
  auto b = to_bytes("b");
  auto c = to_bytes("c");
  store.add(a, hashed_peer(1), kStart);
  store.add(b, hashed_peer(2), kStart + seconds(1));
  store.add(a, hashed_peer(3), kStart + seconds(2));  // a's newest is now younger than b's
  store.add(b, hashed_peer(2), kStart + seconds(1));  // refresh at the same time: no change
  store.add(c, hashed_peer(4), kStart + seconds(3));
  EXPECT_EQ(store.key_count(), 2u);
  auto now = kStart + seconds(4);
  EXPECT_TRUE(store.providers(b, now, 10).empty());
  EXPECT_EQ(store.providers(a, now, 10),
            (std::vector<crypto::PeerId>{hashed_peer(3), hashed_peer(1)}));
  EXPECT_EQ(store.providers(c, now, 10), std::vector<crypto::PeerId>{hashed_peer(4)});
  // Adding to a held key in a full store evicts nothing.
  store.add(c, hashed_peer(5), now);
  EXPECT_EQ(store.key_count(), 2u);
  EXPECT_EQ(store.providers(a, now, 10).size(), 2u);
}

}  // namespace
}  // namespace meshchat::p2p::kad

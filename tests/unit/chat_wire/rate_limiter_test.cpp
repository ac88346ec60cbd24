// RateLimiter on simulated time: burst then refill at the exact rate, per-peer isolation,
// forgetting full buckets, and the bounded peer map.
#include "chat/presence/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace meshchat::chat::presence {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

crypto::PeerId peer_of(std::uint32_t n) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < 4; ++i) seed[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return crypto::PeerId::from_public_key(crypto::PrivateKey::ed25519_from_seed(seed).public_key());
}

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

std::size_t allowed_in_a_row(RateLimiter& limiter, const crypto::PeerId& peer, TimePoint now) {
  std::size_t allowed = 0;
  while (limiter.allow(peer, now)) {
    if (++allowed > 1000) break;
  }
  return allowed;
}

TEST(RateLimiter, BurstThenRefill) {
  RateLimiter limiter(10, 5);
  auto alice = peer_of(1);
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart), 10u);
  // 5 per second: one token every 200 ms.
  EXPECT_FALSE(limiter.allow(alice, kStart + milliseconds(199)));
  EXPECT_TRUE(limiter.allow(alice, kStart + milliseconds(200)));
  EXPECT_FALSE(limiter.allow(alice, kStart + milliseconds(200)));
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart + milliseconds(1200)), 5u);
  // The bucket never holds more than the burst, however long the peer was quiet.
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart + seconds(100)), 10u);
}

TEST(RateLimiter, SteadyRateAtTheLimitIsAllowed) {
  RateLimiter limiter(1, 5);
  auto alice = peer_of(1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(limiter.allow(alice, kStart + milliseconds(200 * i))) << i;
  }
  EXPECT_FALSE(limiter.allow(alice, kStart + milliseconds(200 * 49 + 100)));
}

TEST(RateLimiter, PeersAreIsolated) {
  RateLimiter limiter(10, 5);
  auto alice = peer_of(1), bob = peer_of(2);
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart), 10u);
  EXPECT_EQ(allowed_in_a_row(limiter, bob, kStart), 10u);
  EXPECT_FALSE(limiter.allow(alice, kStart));
  EXPECT_EQ(limiter.tracked_peers(), 2u);
}

TEST(RateLimiter, ClockGoingBackRefillsNothing) {
  RateLimiter limiter(2, 5);
  auto alice = peer_of(1);
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart + seconds(10)), 2u);
  EXPECT_FALSE(limiter.allow(alice, kStart));
  EXPECT_TRUE(limiter.allow(alice, kStart + seconds(10) + milliseconds(200)));
}

TEST(RateLimiter, ForgetsPeersWhoseBucketIsFullAgain) {
  RateLimiter limiter(10, 5);
  auto alice = peer_of(1), bob = peer_of(2);
  limiter.allow(alice, kStart);
  EXPECT_EQ(limiter.tracked_peers(), 1u);
  // Alice's bucket is full 200 ms later; Bob's frame lets the limiter drop her.
  limiter.allow(bob, kStart + milliseconds(100));
  EXPECT_EQ(limiter.tracked_peers(), 2u);
  limiter.allow(bob, kStart + milliseconds(200));
  EXPECT_EQ(limiter.tracked_peers(), 1u);
  // Forgetting lost nothing: Alice gets her full burst.
  EXPECT_EQ(allowed_in_a_row(limiter, alice, kStart + milliseconds(200)), 10u);
}

TEST(RateLimiter, BoundedPeerMapEvictsLeastRecentlySeen) {
  RateLimiter limiter(3, 0.001, 4);  // buckets never refill in this test
  for (std::uint32_t n = 0; n < 4; ++n) {
    for (int i = 0; i < 3; ++i) limiter.allow(peer_of(n), kStart);
  }
  EXPECT_EQ(limiter.tracked_peers(), 4u);
  EXPECT_FALSE(limiter.allow(peer_of(1), kStart));  // peer 1 is now the most recently seen
  EXPECT_TRUE(limiter.allow(peer_of(9), kStart));   // evicts peer 0
  EXPECT_EQ(limiter.tracked_peers(), 4u);
  EXPECT_FALSE(limiter.allow(peer_of(1), kStart));  // still tracked, still empty
  EXPECT_TRUE(limiter.allow(peer_of(0), kStart));   // evicted, so it starts afresh
  EXPECT_EQ(limiter.tracked_peers(), 4u);
}

TEST(RateLimiter, DefaultCapHoldsUnderManyPeers) {
  RateLimiter limiter(10, 5);
  for (std::uint32_t n = 0; n < kMaxRateLimitedPeers + 100; ++n) {
    EXPECT_TRUE(limiter.allow(peer_of(n), kStart));
  }
  EXPECT_EQ(limiter.tracked_peers(), kMaxRateLimitedPeers);
}

TEST(RateLimiter, RefusesInvalidConfiguration) {
  EXPECT_THROW(RateLimiter(0.5, 5), std::invalid_argument);
  EXPECT_THROW(RateLimiter(10, -1), std::invalid_argument);
  EXPECT_THROW(RateLimiter(10, 5, 0), std::invalid_argument);
}

}  // namespace
}  // namespace meshchat::chat::presence

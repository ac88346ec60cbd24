// Hybrid logical clock: the send and receive rules of Kulkarni et al. on injected wall times,
// drift refusal, counter carry, and monotonicity as a property.
#include "chat/hlc.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <stdexcept>

namespace meshchat::chat {
namespace {

constexpr std::uint32_t kMaxCounter = std::numeric_limits<std::uint32_t>::max();

TEST(Hlc, ConstantsPinned) {
  EXPECT_EQ(kMaxWallMs, 281474976710656u);
  EXPECT_EQ(kMaxDriftMs, 300000u);
}

TEST(Hlc, TimestampsOrderByWallThenCounter) {
  EXPECT_LT((HlcTimestamp{5, 9}), (HlcTimestamp{6, 0}));
  EXPECT_LT((HlcTimestamp{5, 1}), (HlcTimestamp{5, 2}));
  EXPECT_EQ((HlcTimestamp{5, 1}), (HlcTimestamp{5, 1}));
}

TEST(Hlc, SuccessorCarriesCounterIntoWallTime) {
  EXPECT_EQ(successor({7, 3}), (HlcTimestamp{7, 4}));
  EXPECT_EQ(successor({7, kMaxCounter}), (HlcTimestamp{8, 0}));
}

TEST(Hlc, NowFollowsWallClock) {
  HybridClock clock;
  EXPECT_EQ(clock.now(1000), (HlcTimestamp{1000, 0}));
  EXPECT_EQ(clock.now(1005), (HlcTimestamp{1005, 0}));
}

TEST(Hlc, NowCountsWithinOneMillisecond) {
  HybridClock clock;
  EXPECT_EQ(clock.now(1000), (HlcTimestamp{1000, 0}));
  EXPECT_EQ(clock.now(1000), (HlcTimestamp{1000, 1}));
  EXPECT_EQ(clock.now(1000), (HlcTimestamp{1000, 2}));
}

TEST(Hlc, NowNeverGoesBackWhenWallClockDoes) {
  HybridClock clock;
  clock.now(2000);
  EXPECT_EQ(clock.now(1500), (HlcTimestamp{2000, 1}));
  EXPECT_EQ(clock.now(1999), (HlcTimestamp{2000, 2}));
  EXPECT_EQ(clock.now(2001), (HlcTimestamp{2001, 0}));
}

TEST(Hlc, RestoredClockContinuesAfterLast) {
  HybridClock clock(HlcTimestamp{5000, 7});
  EXPECT_EQ(clock.now(4000), (HlcTimestamp{5000, 8}));
}

TEST(Hlc, NowCarriesCounterOverflow) {
  HybridClock clock(HlcTimestamp{1000, kMaxCounter});
  EXPECT_EQ(clock.now(1000), (HlcTimestamp{1001, 0}));
  // The wall clock catching up to the carried time continues the count.
  EXPECT_EQ(clock.now(1001), (HlcTimestamp{1001, 1}));
}

TEST(Hlc, NowRefusesImpossibleWallClock) {
  HybridClock clock;
  EXPECT_THROW(clock.now(kMaxWallMs + 1), std::invalid_argument);
  EXPECT_EQ(clock.now(kMaxWallMs), (HlcTimestamp{kMaxWallMs, 0}));
}

TEST(Hlc, ObserveOlderRemoteUsesWallClock) {
  HybridClock clock;
  clock.now(1000);
  EXPECT_EQ(clock.observe({900, 50}, 1010), (HlcTimestamp{1010, 0}));
}

TEST(Hlc, ObserveRemoteAheadTakesItsTime) {
  HybridClock clock;
  clock.now(1000);
  EXPECT_EQ(clock.observe({1200, 4}, 1010), (HlcTimestamp{1200, 5}));
  // Later local events stay after it until the wall clock passes it.
  EXPECT_EQ(clock.now(1020), (HlcTimestamp{1200, 6}));
  EXPECT_EQ(clock.now(1201), (HlcTimestamp{1201, 0}));
}

TEST(Hlc, ObserveEqualWallTakesLargerCounter) {
  HybridClock clock(HlcTimestamp{1000, 3});
  EXPECT_EQ(clock.observe({1000, 9}, 990), (HlcTimestamp{1000, 10}));
  HybridClock other(HlcTimestamp{1000, 12});
  EXPECT_EQ(other.observe({1000, 9}, 990), (HlcTimestamp{1000, 13}));
}

TEST(Hlc, ObserveOwnTimeAheadOfRemote) {
  HybridClock clock(HlcTimestamp{1000, 3});
  EXPECT_EQ(clock.observe({999, 80}, 995), (HlcTimestamp{1000, 4}));
}

TEST(Hlc, ObserveCarriesRemoteCounterOverflow) {
  HybridClock clock;
  EXPECT_EQ(clock.observe({1000, kMaxCounter}, 1000), (HlcTimestamp{1001, 0}));
}

TEST(Hlc, ObserveAcceptsDriftUpToLimit) {
  HybridClock clock;
  EXPECT_EQ(clock.observe({1000 + kMaxDriftMs, 0}, 1000), (HlcTimestamp{1000 + kMaxDriftMs, 1}));
}

TEST(Hlc, ObserveRefusesRemoteTooFarAheadAndKeepsClock) {
  HybridClock clock;
  clock.now(1000);
  auto r = clock.observe({1001 + kMaxDriftMs, 0}, 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::clock_drift);
  EXPECT_EQ(clock.last(), (HlcTimestamp{1000, 0}));
}

TEST(Hlc, ObserveUsesConfiguredDrift) {
  HybridClock clock({}, 10);
  EXPECT_TRUE(clock.observe({1010, 0}, 1000));
  EXPECT_EQ(clock.observe({1021, 0}, 1010).error(), Error::clock_drift);
}

TEST(Hlc, ObserveRefusesWallTimeBeyondLimit) {
  HybridClock clock({}, std::numeric_limits<std::uint64_t>::max());
  auto r = clock.observe({kMaxWallMs + 1, 0}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::bad_timestamp);
  EXPECT_EQ(clock.last(), HlcTimestamp{});
}

// Any interleaving of sends and receives yields strictly increasing timestamps, each greater
// than the remote one it observed, and never further than the drift ahead of the wall clock
// plus carries.
RC_GTEST_PROP(Hlc, StrictlyMonotonicAndCausal, ()) {
  HybridClock clock;
  std::uint64_t wall = *rc::gen::inRange<std::uint64_t>(0, 1'000'000);
  HlcTimestamp previous = clock.now(wall);
  auto steps = *rc::gen::inRange(1, 200);
  for (int i = 0; i < steps; ++i) {
    // The wall clock mostly advances but may jump back a little (NTP corrections).
    auto delta = *rc::gen::inRange<std::int64_t>(-50, 200);
    wall = static_cast<std::uint64_t>(std::max<std::int64_t>(0, std::int64_t(wall) + delta));
    HlcTimestamp next;
    if (*rc::gen::arbitrary<bool>()) {
      next = clock.now(wall);
    } else {
      auto lead = *rc::gen::inRange<std::int64_t>(-1000, std::int64_t(kMaxDriftMs) + 1000);
      auto remote_wall =
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, std::int64_t(wall) + lead));
      HlcTimestamp remote{remote_wall, *rc::gen::elementOf(std::vector<std::uint32_t>{
                                           0, 1, 77, kMaxCounter - 1, kMaxCounter})};
      auto observed = clock.observe(remote, wall);
      if (remote_wall > wall + kMaxDriftMs) {
        RC_ASSERT(!observed);
        RC_ASSERT(clock.last() == previous);
        continue;
      }
      RC_ASSERT(observed.has_value());
      RC_ASSERT(remote < *observed);
      next = *observed;
    }
    RC_ASSERT(previous < next);
    RC_ASSERT(next == clock.last());
    RC_ASSERT(next.wall_ms >= wall);
    previous = next;
  }
}

}  // namespace
}  // namespace meshchat::chat

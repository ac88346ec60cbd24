// TypingTracker on simulated time: start, refresh, stop, expiry at the exact moment, forget,
// next_expiry and the per-peer cap.
#include "chat/presence/typing_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace meshchat::chat::presence {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

crypto::PeerId peer_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return crypto::PeerId::from_public_key(crypto::PrivateKey::ed25519_from_seed(seed).public_key());
}

ConversationId conversation_of(std::uint8_t fill) {
  ConversationId id;
  id.fill(fill);
  return id;
}

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

TEST(TypingTracker, ExpiryIsSixSeconds) {
  EXPECT_EQ(kTypingExpiry, seconds(6));
}

TEST(TypingTracker, StartRefreshStop) {
  TypingTracker tracker;
  auto alice = peer_of(1);
  auto chat = conversation_of(7);
  EXPECT_FALSE(tracker.typing(alice, chat, kStart));
  EXPECT_TRUE(tracker.update(alice, chat, true, kStart));  // start: event
  EXPECT_TRUE(tracker.typing(alice, chat, kStart));
  EXPECT_FALSE(tracker.update(alice, chat, true, kStart + seconds(3)));  // refresh: no event
  EXPECT_EQ(tracker.next_expiry(), kStart + seconds(9));
  EXPECT_TRUE(tracker.update(alice, chat, false, kStart + seconds(4)));  // stop: event
  EXPECT_FALSE(tracker.typing(alice, chat, kStart + seconds(4)));
  EXPECT_FALSE(tracker.update(alice, chat, false, kStart + seconds(5)));  // stop while idle
  EXPECT_EQ(tracker.next_expiry(), std::nullopt);
  EXPECT_EQ(tracker.size(), 0u);
}

TEST(TypingTracker, ExpiresExactlyAfterSixSecondsWithoutRefresh) {
  TypingTracker tracker;
  auto alice = peer_of(1);
  auto chat = conversation_of(7);
  tracker.update(alice, chat, true, kStart);
  EXPECT_EQ(tracker.next_expiry(), kStart + kTypingExpiry);
  EXPECT_TRUE(tracker.expire(kStart + kTypingExpiry - milliseconds(1)).empty());
  EXPECT_TRUE(tracker.typing(alice, chat, kStart + kTypingExpiry - milliseconds(1)));
  EXPECT_FALSE(tracker.typing(alice, chat, kStart + kTypingExpiry));  // before expire() runs
  auto expired = tracker.expire(kStart + kTypingExpiry);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].first, alice);
  EXPECT_EQ(expired[0].second, chat);
  EXPECT_EQ(tracker.next_expiry(), std::nullopt);
  // Typing again after expiry is a new start.
  EXPECT_TRUE(tracker.update(alice, chat, true, kStart + seconds(7)));
}

TEST(TypingTracker, RefreshPostponesExpiry) {
  TypingTracker tracker;
  auto alice = peer_of(1);
  auto chat = conversation_of(7);
  tracker.update(alice, chat, true, kStart);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_FALSE(tracker.update(alice, chat, true, kStart + seconds(4 * i)));
    EXPECT_TRUE(tracker.expire(kStart + seconds(4 * i + 5)).empty());
  }
  EXPECT_EQ(tracker.next_expiry(), kStart + seconds(26));
  EXPECT_EQ(tracker.expire(kStart + seconds(26)).size(), 1u);
}

TEST(TypingTracker, ExpireReturnsOnlyDueEntriesEarliestFirst) {
  TypingTracker tracker;
  auto alice = peer_of(1), bob = peer_of(2);
  tracker.update(bob, conversation_of(1), true, kStart + seconds(1));
  tracker.update(alice, conversation_of(2), true, kStart);
  tracker.update(alice, conversation_of(3), true, kStart + seconds(5));
  EXPECT_EQ(tracker.next_expiry(), kStart + seconds(6));
  auto expired = tracker.expire(kStart + seconds(7));
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0], std::make_pair(alice, conversation_of(2)));
  EXPECT_EQ(expired[1], std::make_pair(bob, conversation_of(1)));
  EXPECT_EQ(tracker.next_expiry(), kStart + seconds(11));
  EXPECT_TRUE(tracker.typing(alice, conversation_of(3), kStart + seconds(7)));
}

TEST(TypingTracker, ForgetReturnsThePeersConversationsOnly) {
  TypingTracker tracker;
  auto alice = peer_of(1), bob = peer_of(2);
  tracker.update(alice, conversation_of(1), true, kStart);
  tracker.update(alice, conversation_of(2), true, kStart + seconds(1));
  tracker.update(bob, conversation_of(1), true, kStart + seconds(2));
  auto forgotten = tracker.forget(alice);
  std::sort(forgotten.begin(), forgotten.end());
  EXPECT_EQ(forgotten, (std::vector<ConversationId>{conversation_of(1), conversation_of(2)}));
  EXPECT_FALSE(tracker.typing(alice, conversation_of(1), kStart + seconds(2)));
  EXPECT_TRUE(tracker.typing(bob, conversation_of(1), kStart + seconds(2)));
  EXPECT_EQ(tracker.next_expiry(), kStart + seconds(8));
  EXPECT_TRUE(tracker.forget(alice).empty());
  EXPECT_EQ(tracker.size(), 1u);
}

TEST(TypingTracker, CapsConversationsPerPeer) {
  TypingTracker tracker;
  auto alice = peer_of(1), bob = peer_of(2);
  for (std::size_t i = 0; i < kMaxTypingPerPeer; ++i) {
    EXPECT_TRUE(tracker.update(alice, conversation_of(static_cast<std::uint8_t>(i)), true, kStart));
  }
  auto extra = conversation_of(static_cast<std::uint8_t>(kMaxTypingPerPeer));
  EXPECT_FALSE(tracker.update(alice, extra, true, kStart));
  EXPECT_FALSE(tracker.typing(alice, extra, kStart));
  EXPECT_TRUE(tracker.update(bob, extra, true, kStart));  // other peers are unaffected
  EXPECT_EQ(tracker.size(), kMaxTypingPerPeer + 1);
  // A stop frees a slot.
  EXPECT_TRUE(tracker.update(alice, conversation_of(0), false, kStart));
  EXPECT_TRUE(tracker.update(alice, extra, true, kStart));
}

}  // namespace
}  // namespace meshchat::chat::presence

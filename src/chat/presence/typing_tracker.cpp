#include "chat/presence/typing_tracker.hpp"

namespace meshchat::chat::presence {

namespace {
// Sorts before every conversation id of the same peer.
constexpr ConversationId kLowestConversation{};
}  // namespace

bool TypingTracker::update(const crypto::PeerId& peer, const ConversationId& conversation,
                           bool active, TimePoint now) {
  Key key{peer, conversation};
  auto entry = refreshed_.find(key);
  if (!active) {
    if (entry == refreshed_.end()) return false;
    erase(entry);
    return true;
  }
  if (entry != refreshed_.end()) {
    by_refresh_.erase({entry->second, key});
    entry->second = now;
    by_refresh_.insert({now, std::move(key)});
    return false;
  }
  if (count_of(peer) >= kMaxTypingPerPeer) return false;
  refreshed_.emplace(key, now);
  by_refresh_.insert({now, std::move(key)});
  return true;
}

std::vector<std::pair<crypto::PeerId, ConversationId>> TypingTracker::expire(TimePoint now) {
  std::vector<Key> expired;
  while (!by_refresh_.empty() && by_refresh_.begin()->first + kTypingExpiry <= now) {
    expired.push_back(by_refresh_.begin()->second);
    refreshed_.erase(expired.back());
    by_refresh_.erase(by_refresh_.begin());
  }
  return expired;
}

std::optional<TimePoint> TypingTracker::next_expiry() const {
  if (by_refresh_.empty()) return std::nullopt;
  return by_refresh_.begin()->first + kTypingExpiry;
}

bool TypingTracker::typing(const crypto::PeerId& peer, const ConversationId& conversation,
                           TimePoint now) const {
  auto entry = refreshed_.find(Key{peer, conversation});
  return entry != refreshed_.end() && now < entry->second + kTypingExpiry;
}

std::vector<ConversationId> TypingTracker::forget(const crypto::PeerId& peer) {
  std::vector<ConversationId> conversations;
  auto entry = refreshed_.lower_bound(Key{peer, kLowestConversation});
  while (entry != refreshed_.end() && entry->first.first == peer) {
    conversations.push_back(entry->first.second);
    auto next = std::next(entry);
    erase(entry);
    entry = next;
  }
  return conversations;
}

void TypingTracker::erase(std::map<Key, TimePoint>::iterator entry) {
  by_refresh_.erase({entry->second, entry->first});
  refreshed_.erase(entry);
}

std::size_t TypingTracker::count_of(const crypto::PeerId& peer) const {
  std::size_t count = 0;
  for (auto entry = refreshed_.lower_bound(Key{peer, kLowestConversation});
       entry != refreshed_.end() && entry->first.first == peer; ++entry) {
    ++count;
  }
  return count;
}

}  // namespace meshchat::chat::presence

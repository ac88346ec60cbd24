// Typing indicators received over /meshchat/presence/1.0.0: who is typing where, with expiry.
// Sans-IO: the caller passes its clock's `now` and runs the timer that next_expiry() asks for.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "chat/envelope.hpp"
#include "core/time.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat::presence {

// Typing indicators expire when not refreshed (a peer that crashed mid-typing must not type
// forever). Senders refresh every few seconds while typing; 6 s tolerates one lost refresh.
inline constexpr Duration kTypingExpiry = std::chrono::seconds(6);
// One peer may be typing in this many conversations at once; further starts are ignored, so a
// peer naming made-up conversations cannot grow the tracker (nobody types in 64 chats at once).
inline constexpr std::size_t kMaxTypingPerPeer = 64;

// An entry is visible from the update() that starts it until update() stops it, expire() removes
// it or forget() drops its peer; the caller emits "started" and "stopped" events on those edges.
class TypingTracker {
 public:
  // Records typing start/refresh (active) or stop; returns true when the visible state changed
  // (so the caller emits an event): start from idle, or stop from typing. A refresh returns
  // false. A start beyond kMaxTypingPerPeer is ignored and returns false.
  bool update(const crypto::PeerId& peer, const ConversationId& conversation, bool active,
              TimePoint now);
  // Removes entries not refreshed for kTypingExpiry (expired at last refresh + kTypingExpiry)
  // and returns them, earliest first (the caller emits "stopped").
  std::vector<std::pair<crypto::PeerId, ConversationId>> expire(TimePoint now);
  // Earliest moment an entry expires, for the caller's timer; nullopt when nobody is typing.
  std::optional<TimePoint> next_expiry() const;
  // True for a visible entry not yet past its expiry, so a late timer never shows a stale
  // indicator.
  bool typing(const crypto::PeerId& peer, const ConversationId& conversation, TimePoint now) const;
  // Forget a peer (disconnected): returns its conversations that were typing.
  std::vector<ConversationId> forget(const crypto::PeerId& peer);

  std::size_t size() const { return refreshed_.size(); }

 private:
  using Key = std::pair<crypto::PeerId, ConversationId>;
  void erase(std::map<Key, TimePoint>::iterator entry);
  std::size_t count_of(const crypto::PeerId& peer) const;

  // Ordered by peer first, so one peer's entries are adjacent (forget, per-peer cap).
  std::map<Key, TimePoint> refreshed_;
  // The same entries by last refresh, for expire() and next_expiry() in O(log n).
  std::set<std::pair<TimePoint, Key>> by_refresh_;
};

}  // namespace meshchat::chat::presence

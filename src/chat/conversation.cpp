#include "chat/conversation.hpp"

#include <algorithm>

#include "crypto/hash.hpp"

namespace meshchat::chat {

ConversationId direct_conversation_id(const crypto::PeerId& a, const crypto::PeerId& b) {
  const auto& first = std::min(a.bytes(), b.bytes());
  const auto& second = std::max(a.bytes(), b.bytes());
  Bytes input(kDirectConversationDomain.begin(), kDirectConversationDomain.end());
  input.insert(input.end(), first.begin(), first.end());
  input.insert(input.end(), second.begin(), second.end());
  return crypto::sha256(input);
}

std::uint64_t sync_timestamp(HlcTimestamp timestamp) {
  constexpr std::uint32_t kCounterMax = 0xFFFF;
  return (timestamp.wall_ms << 16) | std::min(timestamp.counter, kCounterMax);
}

}  // namespace meshchat::chat

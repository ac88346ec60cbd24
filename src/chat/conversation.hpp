// Conversation identities: the id two peers derive for their direct conversation without
// asking each other, and the 64-bit sync timestamp under which a message is reconciled.
#pragma once

#include <cstdint>

#include "chat/envelope.hpp"
#include "chat/hlc.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat {

// Domain prefix of the direct conversation id hash.
inline constexpr std::string_view kDirectConversationDomain = "meshchat-direct-v1:";

// SHA-256(domain || lesser PeerId || greater PeerId), PeerIds in binary form compared bytewise:
// both sides compute the same id, and no third party can make a message fall into it without
// being one of the two (receivers check that the author is a member).
ConversationId direct_conversation_id(const crypto::PeerId& a, const crypto::PeerId& b);

// Negentropy records carry a 64-bit timestamp; an HLC has 48 bits of wall time and a 32-bit
// counter. The counter is clamped to 16 bits: records that then share a timestamp are still
// distinct and ordered by id, so only the range boundaries shift, never the set.
std::uint64_t sync_timestamp(HlcTimestamp timestamp);

}  // namespace meshchat::chat

// What the user sees of a message's delivery: queued, delivered, read (outgoing) or received,
// read (incoming), derived from the stored direction and state, with stable text names.
#pragma once

#include <optional>
#include <string_view>

#include "store/schema.hpp"

namespace meshchat::chat {

enum class MessageStatus {
  queued,     // outgoing, no recipient has acknowledged it yet
  delivered,  // outgoing, the recipient stored it
  read,       // outgoing: the recipient read it; incoming: the local user read it
  received,   // incoming, not read yet
};

// "queued", "delivered", "read", "received": the names the API and the CLI show.
std::string_view to_string(MessageStatus status);
std::optional<MessageStatus> message_status_from_string(std::string_view text);

// The status of a stored row. Outgoing rows still waiting (pending, sent) or given up (failed)
// show as queued: the outbox keeps trying or the UI offers a re-send either way.
MessageStatus message_status(store::Direction direction, store::MessageState state);

}  // namespace meshchat::chat

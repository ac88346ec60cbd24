// JSON forms of chat records for the local API and the event stream (docs/api.md): ids are
// lower-case hex, PeerIds base58, times Unix milliseconds.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "chat/chat_store.hpp"
#include "core/bytes.hpp"

namespace meshchat::node {

// 64 hex characters (either case) to a 32-byte id; nullopt otherwise.
std::optional<std::array<std::uint8_t, 32>> id_from_hex(std::string_view text);

nlohmann::json message_json(const chat::MessageRecord& message);
nlohmann::json contact_json(const chat::ContactRecord& contact, bool online);

}  // namespace meshchat::node

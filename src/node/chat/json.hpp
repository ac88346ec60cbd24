// JSON forms of chat records for the local API and the event stream (docs/api.md): ids are
// lower-case hex, PeerIds base58, times Unix milliseconds.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "chat/chat_store.hpp"
#include "chat/wire/presence_frame.hpp"
#include "core/bytes.hpp"

namespace meshchat::node {

// 64 hex characters (either case) to a 32-byte id; nullopt otherwise.
std::optional<std::array<std::uint8_t, 32>> id_from_hex(std::string_view text);

nlohmann::json message_json(const chat::MessageRecord& message);
// Same, with the author's PeerId text given (the caller has it at hand: base58 costs).
nlohmann::json message_json(const chat::MessageRecord& message, std::string_view author);
// "online", "away" or "offline".
std::string_view presence_name(chat::wire::PresenceStatus status);
// The inverse of presence_name; nullopt for any other text.
std::optional<chat::wire::PresenceStatus> presence_from_name(std::string_view name);

// `presence` is what the contact last announced; it shows as "offline" whenever !online.
nlohmann::json contact_json(const chat::ContactRecord& contact, bool online,
                            chat::wire::PresenceStatus presence);
// Presence from the connection alone: "online" or "offline".
nlohmann::json contact_json(const chat::ContactRecord& contact, bool online);

}  // namespace meshchat::node

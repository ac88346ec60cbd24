#include "node/chat/json.hpp"

#include <algorithm>

namespace meshchat::node {

std::optional<std::array<std::uint8_t, 32>> id_from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  auto bytes = meshchat::from_hex(text);
  if (!bytes) return std::nullopt;
  std::array<std::uint8_t, 32> id{};
  std::copy(bytes->begin(), bytes->end(), id.begin());
  return id;
}

nlohmann::json message_json(const chat::MessageRecord& message) {
  return message_json(message, message.author.to_base58());
}

nlohmann::json message_json(const chat::MessageRecord& message, std::string_view author) {
  bool outgoing = message.direction == store::Direction::outgoing;
  return {
      {"id", to_hex(message.id)},
      {"conversation", to_hex(message.conversation)},
      {"author", author},
      {"direction", outgoing ? "out" : "in"},
      {"text", message.text},
      {"timestamp", message.timestamp.wall_ms},
      {"hlc", {{"wall_ms", message.timestamp.wall_ms}, {"counter", message.timestamp.counter}}},
      {"status", std::string(chat::to_string(message.status))},
      {"edited", message.edited},
      {"deleted", message.deleted},
  };
}

std::string_view presence_name(chat::wire::PresenceStatus status) {
  switch (status) {
    case chat::wire::PresenceStatus::online:
      return "online";
    case chat::wire::PresenceStatus::away:
      return "away";
    case chat::wire::PresenceStatus::offline:
      return "offline";
  }
  return "offline";  // not a PresenceStatus value; decode_presence_frame never makes one
}

std::optional<chat::wire::PresenceStatus> presence_from_name(std::string_view name) {
  for (auto status : {chat::wire::PresenceStatus::online, chat::wire::PresenceStatus::away,
                      chat::wire::PresenceStatus::offline}) {
    if (presence_name(status) == name) return status;
  }
  return std::nullopt;
}

nlohmann::json contact_json(const chat::ContactRecord& contact, bool online) {
  return contact_json(contact, online, chat::wire::PresenceStatus::online);
}

nlohmann::json contact_json(const chat::ContactRecord& contact, bool online,
                            chat::wire::PresenceStatus presence) {
  if (!online) presence = chat::wire::PresenceStatus::offline;
  nlohmann::json addresses = nlohmann::json::array();
  for (const auto& address : contact.addresses) addresses.push_back(address.to_string());
  return {
      {"peer_id", contact.peer_id.to_base58()},
      {"name", contact.name},
      {"nickname", contact.nickname ? nlohmann::json(*contact.nickname) : nlohmann::json()},
      {"display_name", contact.display_name()},
      {"addresses", std::move(addresses)},
      {"added_at", contact.added_at_ms},
      {"online", online},
      {"presence", presence_name(presence)},
      {"verified", contact.verified},
  };
}

}  // namespace meshchat::node

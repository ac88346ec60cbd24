#include "node/chat/json.hpp"

namespace meshchat::node {

std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0F]);
  }
  return out;
}

std::optional<std::array<std::uint8_t, 32>> id_from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::array<std::uint8_t, 32> id{};
  for (std::size_t i = 0; i < id.size(); ++i) {
    int high = nibble(text[2 * i]);
    int low = nibble(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    id[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return id;
}

nlohmann::json message_json(const chat::MessageRecord& message) {
  bool outgoing = message.direction == store::Direction::outgoing;
  return {
      {"id", to_hex(message.id)},
      {"conversation", to_hex(message.conversation)},
      {"author", message.author.to_base58()},
      {"direction", outgoing ? "out" : "in"},
      {"text", message.text},
      {"timestamp", message.timestamp.wall_ms},
      {"hlc", {{"wall_ms", message.timestamp.wall_ms}, {"counter", message.timestamp.counter}}},
      {"status", std::string(chat::to_string(message.status))},
      {"edited", message.edited},
      {"deleted", message.deleted},
  };
}

nlohmann::json contact_json(const chat::ContactRecord& contact, bool online) {
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
  };
}

}  // namespace meshchat::node

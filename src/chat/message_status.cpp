#include "chat/message_status.hpp"

#include <array>
#include <utility>

namespace meshchat::chat {

namespace {
constexpr std::array<std::pair<MessageStatus, std::string_view>, 4> kNames = {{
    {MessageStatus::queued, "queued"},
    {MessageStatus::delivered, "delivered"},
    {MessageStatus::read, "read"},
    {MessageStatus::received, "received"},
}};
}  // namespace

std::string_view to_string(MessageStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<MessageStatus> message_status_from_string(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

MessageStatus message_status(store::Direction direction, store::MessageState state) {
  if (direction == store::Direction::incoming) {
    return state == store::MessageState::read ? MessageStatus::read : MessageStatus::received;
  }
  switch (state) {
    case store::MessageState::delivered:
      return MessageStatus::delivered;
    case store::MessageState::read:
      return MessageStatus::read;
    case store::MessageState::pending:
    case store::MessageState::sent:
    case store::MessageState::failed:
      break;
  }
  return MessageStatus::queued;
}

}  // namespace meshchat::chat

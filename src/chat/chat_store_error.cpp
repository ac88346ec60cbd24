#include "chat/chat_store_error.hpp"

namespace meshchat::chat {

namespace {
const char* describe(StoreError e) {
  switch (e) {
    case StoreError::wrong_identity:
      return "chat store belongs to another identity";
    case StoreError::unknown_conversation:
      return "conversation unknown or not shared with this peer";
    case StoreError::not_member:
      return "message author is not a member of the conversation";
    case StoreError::unknown_message:
      return "message unknown";
    case StoreError::ambiguous_contact:
      return "several contacts match that name";
  }
  return "unknown chat store error";
}
}  // namespace

const std::error_category& store_error_category() noexcept {
  static const EnumErrorCategory<StoreError> category("chat store", describe);
  return category;
}

}  // namespace meshchat::chat

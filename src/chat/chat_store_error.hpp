// Errors of the chat store: identity mismatches and messages or contacts the store refuses or
// cannot resolve. Values are stable; never renumber.
#pragma once

#include <system_error>

#include "core/error_category.hpp"

namespace meshchat::chat {

enum class StoreError {
  wrong_identity = 1,    // the database belongs to another identity, or an outgoing envelope
                         // was not written by ours
  unknown_conversation,  // the envelope's conversation is not the direct conversation of self
                         // and its sender (or recipient), or a query names no stored conversation
  not_member,            // the envelope's author is neither self nor the sender
  unknown_message,       // a message id the store does not hold (e.g. a paging anchor)
  ambiguous_contact,     // several contacts carry the name that was looked up
};
// Spelled out rather than MESHCHAT_DECLARE_ERROR_CODE: chat::error_category() already names the
// category of chat::Error in this namespace.
const std::error_category& store_error_category() noexcept;
inline std::error_code make_error_code(StoreError e) noexcept {
  return {static_cast<int>(e), store_error_category()};
}

}  // namespace meshchat::chat

MESHCHAT_REGISTER_ERROR_CODE(meshchat::chat::StoreError)

#include "p2p/identify/error.hpp"

namespace meshchat::p2p::identify {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::bad_length:
      return "identify length prefix malformed";
    case Error::message_too_large:
      return "identify message too large";
    case Error::truncated:
      return "identify stream ended inside a message";
    case Error::no_message:
      return "identify stream ended without a message";
    case Error::too_many_messages:
      return "identify stream has too many messages";
    case Error::too_many_listen_addrs:
      return "identify message has too many listen addresses";
    case Error::too_many_protocols:
      return "identify message has too many protocols";
  }
  return "unknown identify error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "identify", describe)

}  // namespace meshchat::p2p::identify

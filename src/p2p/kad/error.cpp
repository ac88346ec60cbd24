#include "p2p/kad/error.hpp"

namespace meshchat::p2p::kad {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::message_too_large:
      return "kad message too large";
    case Error::too_many_peers:
      return "kad message has too many peers in a list";
    case Error::too_many_addresses:
      return "kad peer has too many addresses";
    case Error::bad_message_type:
      return "kad message type unknown";
    case Error::missing_key:
      return "kad request has no key";
    case Error::key_too_large:
      return "kad key too large";
    case Error::value_too_large:
      return "kad record value too large";
    case Error::unsupported_namespace:
      return "kad record key namespace not supported";
    case Error::invalid_record:
      return "kad record value invalid";
    case Error::key_mismatch:
      return "kad record value does not match its key";
    case Error::peer_id_too_large:
      return "kad peer id too large";
    case Error::address_too_large:
      return "kad peer address too large";
    case Error::time_received_too_large:
      return "kad record timeReceived too large";
  }
  return "unknown kad error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "kad", describe)

}  // namespace meshchat::p2p::kad

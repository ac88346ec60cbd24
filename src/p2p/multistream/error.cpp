#include "p2p/multistream/error.hpp"

namespace meshchat::p2p::multistream {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::bad_length:
      return "multistream length prefix malformed";
    case Error::message_too_long:
      return "multistream message too long";
    case Error::missing_newline:
      return "multistream message does not end with a newline";
    case Error::bad_header:
      return "multistream header mismatch";
    case Error::unexpected_message:
      return "multistream unexpected message";
    case Error::protocol_not_supported:
      return "protocol not supported";
    case Error::too_many_proposals:
      return "multistream too many rejected proposals";
  }
  return "unknown multistream error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "multistream", describe)

}  // namespace meshchat::p2p::multistream

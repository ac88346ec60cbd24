#include "chat/error.hpp"

namespace meshchat::chat {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::too_large:
      return "chat envelope or text too large";
    case Error::too_many_parents:
      return "chat envelope has too many parents";
    case Error::malformed:
      return "chat envelope malformed";
    case Error::non_canonical:
      return "chat envelope not canonically encoded";
    case Error::bad_parents:
      return "chat envelope parents not strictly ascending";
    case Error::bad_content_type:
      return "chat envelope content type unknown";
    case Error::bad_body:
      return "chat envelope body lacks its target message id";
    case Error::unsupported_author:
      return "chat envelope author is not an inlined Ed25519 PeerId";
    case Error::bad_signature:
      return "chat envelope signature does not verify";
    case Error::bad_timestamp:
      return "hybrid logical clock wall time out of range";
    case Error::clock_drift:
      return "remote hybrid logical clock too far ahead";
  }
  return "unknown chat error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "chat", describe)

}  // namespace meshchat::chat

#include "chat/wire/error.hpp"

namespace meshchat::chat::wire {

namespace {
const char* describe(WireError e) {
  switch (e) {
    case WireError::malformed:
      return "chat frame malformed";
    case WireError::too_large:
      return "chat frame or one of its lists too large";
    case WireError::bad_value:
      return "chat frame field value out of range";
  }
  return "unknown chat wire error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(WireError, "chat wire", describe)

}  // namespace meshchat::chat::wire

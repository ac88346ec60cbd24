#include "chat/sync/error.hpp"

namespace meshchat::chat::sync {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::empty_message:
      return "negentropy message is empty";
    case Error::bad_version:
      return "not a negentropy protocol version byte";
    case Error::unsupported_version:
      return "negentropy protocol version not supported";
    case Error::truncated:
      return "negentropy message truncated";
    case Error::varint_overflow:
      return "negentropy varint overflows 64 bits";
    case Error::varint_not_minimal:
      return "negentropy varint not minimally encoded";
    case Error::id_prefix_too_long:
      return "negentropy bound id prefix longer than 32 bytes";
    case Error::timestamp_overflow:
      return "negentropy bound timestamp overflows";
    case Error::bound_out_of_order:
      return "negentropy range bounds not ascending";
    case Error::bad_mode:
      return "negentropy range mode unknown";
    case Error::message_too_large:
      return "negentropy message too large";
    case Error::reserved_timestamp:
      return "negentropy timestamp 2^64-1 is reserved";
  }
  return "unknown negentropy error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "negentropy", describe)

}  // namespace meshchat::chat::sync

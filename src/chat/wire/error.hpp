// Errors of the chat stream protocol codecs (/meshchat/msg, /meshchat/presence, /meshchat/sync
// frames). Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::chat::wire {

enum class WireError {
  malformed = 1,  // not a frame of the protocol: bad protobuf, unknown field number, wrong wire
                  // type, a field repeated that may appear once, a oneof with zero or several
                  // kinds, an id not exactly 32 bytes, a required field or list missing or empty
  too_large,      // body above the protocol's frame limit, a count above its limit, or an
                  // envelope above kMaxEnvelopeBytes
  bad_value,      // a well-formed field whose value is outside its enum (kind, status, bool)
};
MESHCHAT_DECLARE_ERROR_CODE(WireError)

}  // namespace meshchat::chat::wire

MESHCHAT_REGISTER_ERROR_CODE(meshchat::chat::wire::WireError)

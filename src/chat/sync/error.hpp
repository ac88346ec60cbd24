// Errors of Negentropy set reconciliation (hoytech/negentropy docs/negentropy-protocol-v1.md).
// Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::chat::sync {

enum class Error {
  empty_message = 1,    // message has no protocol version byte
  bad_version,          // version byte outside 0x60..0x6F, so not Negentropy at all
  unsupported_version,  // client got a reply in a version other than v1 (0x61)
  truncated,            // message ended inside a varint, bound, fingerprint or IdList
  varint_overflow,      // varint longer than kMaxVarintBytes or above 2^64 - 1
  varint_not_minimal,   // varint with a leading zero digit; the spec asks for the fewest digits
  id_prefix_too_long,   // bound id prefix longer than kIdSize
  timestamp_overflow,   // delta-decoded timestamp reaches 2^64 - 1 or follows infinity
  bound_out_of_order,   // range upper bound below the previous one (ranges must ascend)
  bad_mode,             // range mode other than Skip, Fingerprint or IdList
  message_too_large,    // message longer than Config::max_message_bytes
  reserved_timestamp,   // Storage::insert given 2^64 - 1, which the spec reserves for infinity
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::chat::sync

MESHCHAT_REGISTER_ERROR_CODE(meshchat::chat::sync::Error)

// Errors of the chat message model: envelope decoding and validation, and the hybrid logical
// clock. Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::chat {

enum class Error {
  too_large = 1,       // envelope above kMaxEnvelopeBytes, or text above kMaxTextBytes
  too_many_parents,    // more than kMaxParents parent ids
  malformed,           // not an envelope protobuf: bad wire format, unknown, missing or
                       // mistyped field, or a field of the wrong length
  non_canonical,       // decodes, but differs from the one encoding of its fields
  bad_parents,         // parent ids not in strictly ascending order (unsorted or repeated)
  bad_content_type,    // content type 0 or beyond the reserved range
  bad_body,            // an edit or delete body without its 32-byte target id
  unsupported_author,  // author PeerId does not inline an Ed25519 public key
  bad_signature,       // signature does not verify under the author's key
  bad_timestamp,       // HLC wall time above kMaxWallMs, or counter above 2^32 - 1
  clock_drift,         // remote HLC timestamp further ahead of our wall clock than allowed
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::chat

MESHCHAT_REGISTER_ERROR_CODE(meshchat::chat::Error)

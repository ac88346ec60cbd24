// Errors of ping (/ipfs/ping/1.0.0).
// Spec: libp2p/specs ping/ping.md. Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::ping {

enum class Error {
  mismatch = 1,      // the echoed bytes differ from the payload we sent
  unexpected_bytes,  // bytes beyond the outstanding payload, or with no ping outstanding
  truncated,         // the stream ended inside a 32-byte payload
  flooded,           // more than kMaxUnechoedBytes received and not yet echoed
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::ping

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::ping::Error)

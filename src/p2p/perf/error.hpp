// Errors of perf (/perf/1.0.0).
// Spec: libp2p/specs perf/perf.md. Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::perf {

enum class Error {
  request_too_large = 1,  // the client asked for more than ServerConfig::max_response_bytes
  truncated_request,      // the client closed before sending the 8-byte request
  early_response,         // the server sent or closed before our upload ended (spec: MUST NOT)
  too_much_data,          // the server sent more bytes than we requested
  short_response,         // the server closed before sending all the bytes we requested
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::perf

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::perf::Error)

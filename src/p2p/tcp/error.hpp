// Errors of the TCP transport and of timed network operations.
// Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::tcp {

enum class Error {
  timeout = 1,          // the operation did not finish in time
  unsupported_address,  // the multiaddr is not /ip4|ip6|dns|dns4|dns6/.../tcp/PORT
  resolve_failed,       // a DNS name resolved to no usable address
  connection_closed,    // the peer closed the connection
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::tcp

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::tcp::Error)

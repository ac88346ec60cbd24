// Errors of the libp2p host: connection and stream lifecycle, limits, dialing.
// Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p {

enum class HostError {
  stream_reset = 1,      // the peer (or we) reset the stream
  connection_closed,     // the connection under the stream went away
  write_after_close,     // write on a stream whose write side we closed
  too_many_connections,  // Limits::max_connections reached
  too_many_handshakes,   // Limits::max_pending_handshakes reached
  no_addresses,          // nothing to dial for the peer
  shutting_down,         // the host is stopping
  no_peer_id,            // the address lacks /p2p/ where one is needed
  message_too_large,     // a length-prefixed protocol message above its limit
  unexpected_protocol,   // negotiation settled on something we did not ask for
};
MESHCHAT_DECLARE_ERROR_CODE(HostError)

}  // namespace meshchat::p2p

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::HostError)

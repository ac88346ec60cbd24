// Errors of the DHT operations (src/node/dht): what a lookup, put or provide can end with,
// beyond the transport's and the kad codec's own errors. Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::node::dht {

enum class Error {
  no_peers = 1,  // the routing table is empty: there is nobody to ask
  not_found,     // the lookup ended without the peer, value or provider asked for
  invalid_key,   // a key the operation cannot use (empty, too long, not a multihash)
  stopped,       // the DHT was stopped while the operation ran
  closed_early,  // the peer closed the stream without answering
  wrong_answer,  // the peer answered with another message type or key
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::node::dht

MESHCHAT_REGISTER_ERROR_CODE(meshchat::node::dht::Error)

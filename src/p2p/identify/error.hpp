// Errors of identify (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0) message decoding.
// Spec: libp2p/specs identify/README.md. Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::identify {

enum class Error {
  bad_length = 1,         // a length prefix that is not a minimal uvarint of at most 9 bytes
  message_too_large,      // a length prefix (or a message to encode) above kMaxMessageBytes
  truncated,              // the stream ended inside a message
  no_message,             // the stream ended before any message
  too_many_messages,      // more than kMaxMessages messages on one stream
  too_many_listen_addrs,  // more than kMaxListenAddrs listenAddrs
  too_many_protocols,     // more than kMaxProtocols protocols
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::identify

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::identify::Error)

// Errors of multistream-select 1.0 (/multistream/1.0.0) negotiation.
// Spec: libp2p/specs connections/README.md, "Protocol Negotiation". Values are stable; never
// renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::multistream {

enum class Error {
  bad_length = 1,          // a length prefix that is not a minimal uvarint of at most 9 bytes
  message_too_long,        // a length prefix above kMaxMessageBytes
  missing_newline,         // a message that is empty or does not end with '\n'
  bad_header,              // the first message is not /multistream/1.0.0
  unexpected_message,      // the listener answered with neither the proposal nor "na"
  protocol_not_supported,  // the listener rejected every protocol the dialer proposed
  too_many_proposals,      // the dialer had more than kMaxRejectedProposals rejected
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::multistream

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::multistream::Error)

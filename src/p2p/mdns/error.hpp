// Errors of the DNS message codec behind mDNS (RFC 1035 §4, RFC 6762). Values are stable;
// never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::mdns {

enum class Error {
  truncated = 1,  // the message ends inside a header, name, question or record
  bad_label,      // a label length with the reserved 0b01/0b10 prefix, or an empty label mid-name
  name_too_long,  // a name above 255 bytes in wire form, or a label above 63 bytes
  bad_pointer,    // a compression pointer that does not point strictly backwards
  too_many_records,   // more than kMaxRecords questions + records in one message
  message_too_large,  // a message above kMaxMessageBytes (to decode or to encode)
  bad_record,         // rdata that does not match its type (A not 4 bytes, TXT string overruns...)
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::mdns

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::mdns::Error)

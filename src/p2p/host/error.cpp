#include "p2p/host/error.hpp"

namespace meshchat::p2p {

namespace {
const char* describe(HostError e) {
  switch (e) {
    case HostError::stream_reset:
      return "stream reset";
    case HostError::connection_closed:
      return "connection closed";
    case HostError::write_after_close:
      return "write after close";
    case HostError::too_many_connections:
      return "too many connections";
    case HostError::too_many_handshakes:
      return "too many pending handshakes";
    case HostError::no_addresses:
      return "no addresses to dial";
    case HostError::shutting_down:
      return "host is shutting down";
    case HostError::no_peer_id:
      return "address has no /p2p/ peer id";
    case HostError::message_too_large:
      return "message too large";
    case HostError::unexpected_protocol:
      return "unexpected protocol";
  }
  return "unknown host error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(HostError, "host", describe)

}  // namespace meshchat::p2p

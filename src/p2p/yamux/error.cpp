#include "p2p/yamux/error.hpp"

namespace meshchat::p2p::yamux {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::bad_version:
      return "yamux: unsupported version";
    case Error::bad_type:
      return "yamux: unknown frame type";
    case Error::frame_too_large:
      return "yamux: data frame larger than any window";
    case Error::window_exceeded:
      return "yamux: peer exceeded the receive window";
    case Error::window_overflow:
      return "yamux: send window above 2^32 - 1";
    case Error::bad_stream_id:
      return "yamux: invalid stream id";
    case Error::duplicate_stream:
      return "yamux: SYN for an open stream";
    case Error::keepalive_timeout:
      return "yamux: keepalive ping timed out";
    case Error::too_many_streams:
      return "yamux: too many open streams";
    case Error::ack_backlog_full:
      return "yamux: too many unacknowledged streams";
    case Error::going_away:
      return "yamux: session is going away";
    case Error::stream_ids_exhausted:
      return "yamux: stream ids exhausted";
  }
  return "yamux: unknown error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "yamux", describe)

}  // namespace meshchat::p2p::yamux

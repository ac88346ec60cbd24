// yamux (/yamux/1.0.0) errors: peer protocol violations returned by Session::feed and local
// conditions returned by Session::open_stream. Spec: specs/yamux/hashicorp-spec.md.
#pragma once

#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::p2p::yamux {

// Values are stable: they appear in logs and metrics. Append only.
enum class Error {
  // Peer violations; the connection must close (a GoAway is queued where noted in Session).
  bad_version = 1,    // header byte 0 is not 0, the only version the spec defines
  bad_type,           // frame type above 3 (GoAway)
  frame_too_large,    // data frame longer than Config::max_stream_window: no window admits it
  window_exceeded,    // peer sent more data than the receive window we granted
  window_overflow,    // peer's WindowUpdates pushed our send window above 2^32 - 1
  bad_stream_id,      // stream 0 on a data/WindowUpdate frame, or a SYN with our id parity
  duplicate_stream,   // SYN for a stream id that is still open
  keepalive_timeout,  // our ping was not acknowledged within Config::keepalive_timeout
  // Local conditions from open_stream(); the session stays usable.
  too_many_streams,      // Config::max_streams streams are open
  ack_backlog_full,      // kMaxAckBacklog of our streams still await the peer's ACK
  going_away,            // a GoAway was sent or received: no new outbound streams
  stream_ids_exhausted,  // every stream id of our parity has been used
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::yamux

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::yamux::Error)

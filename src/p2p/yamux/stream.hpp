// yamux (/yamux/1.0.0) per-stream state: the half-close state table and receive-window tuning.
// Spec: specs/yamux/hashicorp-spec.md "Closing a stream", "Flow Control".
#pragma once

#include <cstdint>
#include <optional>

#include "core/time.hpp"
#include "p2p/yamux/frame.hpp"

namespace meshchat::p2p::yamux {

enum class StreamState : std::uint8_t {
  open,          // both directions open
  write_closed,  // we sent FIN; the peer may still send
  read_closed,   // the peer sent FIN; we may still send
  closed,        // both FINs exchanged, or a RST: the session forgets the stream
};

enum class StreamInput : std::uint8_t {
  send_data,  // write()
  send_fin,   // close_write()
  send_rst,   // reset()
  recv_data,  // a data frame with a payload
  recv_fin,   // FIN flag from the peer
  recv_rst,   // RST flag from the peer
};

enum class StreamAction : std::uint8_t {
  none,                  // nothing to do besides the state change
  send,                  // frame the data
  send_fin,              // emit a FIN frame
  send_rst,              // emit a RST frame
  deliver,               // hand the payload to the application
  notify_remote_closed,  // report StreamRemoteClosed
  notify_reset,          // report StreamReset
  refuse,                // stream-level error: emit RST and report StreamReset
  misuse,                // a local call the state forbids: a bug in the caller
};

struct Transition {
  StreamState next;
  StreamAction action;
};

// Every per-stream transition. Reaching `closed` through FINs also reports StreamClosed.
Transition transition(StreamState state, StreamInput input);

// Flow-control bookkeeping of one stream. Invariant while the read side is open:
// recv_credit + (payload announced but not yet delivered) + unconsumed + consumed_unacked
// == recv_window.
struct Stream {
  StreamState state = StreamState::open;
  bool awaiting_ack = false;   // our SYN is not yet ACKed: counts toward the ACK backlog
  bool write_blocked = false;  // write() came up short: report StreamWritable when it reopens
  std::uint32_t send_window = kInitialWindow;  // bytes we may still send
  std::uint32_t recv_window = kInitialWindow;  // window we grant; doubles with auto-tuning
  std::uint32_t recv_credit = kInitialWindow;  // bytes the peer may still send
  std::uint32_t unconsumed = 0;                // delivered, not yet consumed()
  std::uint32_t consumed_unacked = 0;          // consumed, not yet granted back
  TimePoint last_update;                       // previous WindowUpdate: the tuning epoch

  // Records that the application took `n` bytes. Returns the WindowUpdate delta to send once
  // half the window is consumed. If the previous update went out less than two round trips
  // ago, the sender is limited by our window rather than by its data or the link, so the
  // window doubles (up to `max_window`).
  std::optional<std::uint32_t> on_consumed(std::uint32_t n, TimePoint now, Duration rtt,
                                           std::uint32_t max_window);
};

}  // namespace meshchat::p2p::yamux

#include "p2p/yamux/stream.hpp"

#include <algorithm>
#include <array>

namespace meshchat::p2p::yamux {

namespace {
using S = StreamState;
using A = StreamAction;

constexpr std::size_t kStates = 3;  // `closed` streams are forgotten, so they have no row
constexpr std::size_t kInputs = 6;

// Rows follow StreamState, columns StreamInput.
constexpr std::array<std::array<Transition, kInputs>, kStates> kTable{{
    // open
    {{{S::open, A::send},
      {S::write_closed, A::send_fin},
      {S::closed, A::send_rst},
      {S::open, A::deliver},
      {S::read_closed, A::notify_remote_closed},
      {S::closed, A::notify_reset}}},
    // write_closed: a second close_write() is harmless; writing after it is a bug.
    {{{S::write_closed, A::misuse},
      {S::write_closed, A::none},
      {S::closed, A::send_rst},
      {S::write_closed, A::deliver},
      {S::closed, A::notify_remote_closed},
      {S::closed, A::notify_reset}}},
    // read_closed: data after the peer's FIN breaks only this stream; a repeated FIN carries
    // no data and is ignored.
    {{{S::read_closed, A::send},
      {S::closed, A::send_fin},
      {S::closed, A::send_rst},
      {S::closed, A::refuse},
      {S::read_closed, A::none},
      {S::closed, A::notify_reset}}},
}};
}  // namespace

Transition transition(StreamState state, StreamInput input) {
  if (state == S::closed) return {S::closed, A::misuse};
  return kTable[static_cast<std::size_t>(state)][static_cast<std::size_t>(input)];
}

std::optional<std::uint32_t> Stream::on_consumed(std::uint32_t n, TimePoint now, Duration rtt,
                                                 std::uint32_t max_window) {
  unconsumed -= n;
  consumed_unacked += n;
  if (consumed_unacked < recv_window / 2) return std::nullopt;
  std::uint32_t delta = consumed_unacked;
  if (now - last_update < 2 * rtt && recv_window < max_window) {
    auto grown = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::uint64_t{recv_window} * 2, max_window));
    delta += grown - recv_window;
    recv_window = grown;
  }
  recv_credit += delta;
  consumed_unacked = 0;
  last_update = now;
  return delta;
}

}  // namespace meshchat::p2p::yamux

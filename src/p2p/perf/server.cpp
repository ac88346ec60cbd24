#include "p2p/perf/server.hpp"

#include <algorithm>
#include <stdexcept>

namespace meshchat::p2p::perf {

Result<void> Server::on_bytes(ByteView in) {
  switch (state_) {
    case State::failed:
      return fail(error_);
    case State::reading_request: {
      std::size_t take = std::min(in.size(), kRequestSize - request_received_);
      std::copy_n(in.begin(), take,
                  request_.begin() + static_cast<std::ptrdiff_t>(request_received_));
      request_received_ += take;
      in = in.subspan(take);
      if (request_received_ < kRequestSize) return {};
      std::uint64_t requested = 0;
      for (std::uint8_t b : request_) requested = requested << 8 | b;
      if (requested > config_.max_response_bytes) {
        state_ = State::failed;
        error_ = Error::request_too_large;
        return fail(error_);
      }
      to_send_ = requested;
      state_ = State::discarding_upload;
      [[fallthrough]];
    }
    case State::discarding_upload:
      uploaded_ += in.size();
      return {};
    case State::sending:
    case State::done:
      break;
  }
  throw std::logic_error("perf server: bytes after the client's EOF");
}

Result<void> Server::on_eof() {
  switch (state_) {
    case State::failed:
      return fail(error_);
    case State::reading_request:
      state_ = State::failed;
      error_ = Error::truncated_request;
      return fail(error_);
    case State::discarding_upload:
      state_ = to_send_ == 0 ? State::done : State::sending;
      return {};
    case State::sending:
    case State::done:
      break;
  }
  throw std::logic_error("perf server: EOF reported twice");
}

ByteView Server::next_send(std::size_t max) const {
  if (state_ != State::sending) return {};
  std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>(to_send_, std::min(max, kSendChunkBytes)));
  return zero_chunk().first(n);
}

void Server::on_sent(std::size_t n) {
  if (state_ != State::sending || n > to_send_) {
    throw std::logic_error("perf server: sent bytes that were not offered");
  }
  to_send_ -= n;
  if (to_send_ == 0) state_ = State::done;
}

}  // namespace meshchat::p2p::perf

#include "p2p/multistream/dialer.hpp"

#include <stdexcept>

namespace meshchat::p2p::multistream {

Dialer::Dialer(std::vector<std::string> protocols, Mode mode)
    : protocols_(std::move(protocols)), mode_(mode) {
  if (protocols_.empty()) throw std::invalid_argument("multistream dialer needs a protocol");
  if (mode_ == Mode::lazy && protocols_.size() != 1) {
    throw std::invalid_argument("multistream lazy mode takes exactly one protocol");
  }
  for (const auto& id : protocols_) {
    if (!is_valid_protocol_id(id)) throw std::invalid_argument("bad protocol id: " + id);
  }
  encode_message(kProtocolId, output_);
  encode_message(protocols_.front(), output_);
  if (mode_ == Mode::lazy) selected_ = protocols_.front();
}

Result<void> Dialer::fail_with(std::error_code e) {
  state_ = State::failed;
  error_ = e;
  if (mode_ == Mode::lazy) selected_.reset();
  return fail(e);
}

Result<void> Dialer::feed(ByteView bytes) {
  if (state_ == State::failed) return fail(error_);
  if (state_ == State::done) {
    append(leftover_, bytes);
    return {};
  }
  reader_.feed(bytes);
  while (state_ != State::done) {
    auto message = reader_.next();
    if (!message) return fail_with(message.error());
    if (!*message) return {};
    if (auto r = on_message(**message); !r) return r;
  }
  leftover_ = reader_.take_rest();
  return {};
}

Result<void> Dialer::on_message(const std::string& text) {
  switch (state_) {
    case State::awaiting_header:
      if (text != kProtocolId) return fail_with(Error::bad_header);
      state_ = State::awaiting_reply;
      return {};
    case State::awaiting_reply:
      if (text == protocols_[current_]) {
        selected_ = text;
        state_ = State::done;
        return {};
      }
      if (text != kNa) return fail_with(Error::unexpected_message);
      if (mode_ == Mode::lazy || ++current_ == protocols_.size()) {
        return fail_with(Error::protocol_not_supported);
      }
      encode_message(protocols_[current_], output_);
      return {};
    case State::done:
    case State::failed:
      break;
  }
  throw std::logic_error("multistream dialer: message after negotiation ended");
}

}  // namespace meshchat::p2p::multistream

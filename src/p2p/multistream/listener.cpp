#include "p2p/multistream/listener.hpp"

#include <stdexcept>

namespace meshchat::p2p::multistream {

Listener::Listener(Supports supports) : supports_(std::move(supports)) {
  if (!supports_) throw std::invalid_argument("multistream listener needs a supports function");
  encode_message(kProtocolId, output_);
}

Listener::Listener(std::set<std::string, std::less<>> protocols)
    : Listener([ids = std::move(protocols)](std::string_view id) { return ids.contains(id); }) {}

Result<void> Listener::fail_with(std::error_code e) {
  state_ = State::failed;
  error_ = e;
  return fail(e);
}

Result<void> Listener::feed(ByteView bytes) {
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
    if (auto r = on_message(std::move(**message)); !r) return r;
  }
  leftover_ = reader_.take_rest();
  return {};
}

Result<void> Listener::on_message(std::string text) {
  switch (state_) {
    case State::awaiting_header:
      if (text != kProtocolId) return fail_with(Error::bad_header);
      state_ = State::awaiting_proposal;
      return {};
    case State::awaiting_proposal:
      // "na" and "ls" are never protocols; "ls" is refused because listing our protocols
      // tells a stranger more than it needs and no libp2p dialer depends on it.
      if (text != kNa && text != kLs && supports_(text)) {
        encode_message(text, output_);
        selected_ = std::move(text);
        state_ = State::done;
        return {};
      }
      if (++rejected_ > kMaxRejectedProposals) return fail_with(Error::too_many_proposals);
      encode_message(kNa, output_);
      return {};
    case State::done:
    case State::failed:
      break;
  }
  throw std::logic_error("multistream listener: message after negotiation ended");
}

}  // namespace meshchat::p2p::multistream

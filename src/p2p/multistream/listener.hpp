// multistream-select 1.0 (/multistream/1.0.0) listener (responder) side, sans-IO.
// Spec: libp2p/specs connections/README.md, "Protocol Negotiation".
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/multistream/message.hpp"

namespace meshchat::p2p::multistream {

// A dialer tries a handful of alternatives (security: noise, tls; muxer: yamux, mplex; a few
// protocol versions). More refusals than this means a peer probing or stalling, not negotiating.
inline constexpr std::size_t kMaxRejectedProposals = 16;

class Listener {
 public:
  using Supports = std::function<bool(std::string_view)>;
  // Queues our header at once: both sides may send it without waiting for the other.
  explicit Listener(Supports supports);
  explicit Listener(std::set<std::string, std::less<>> protocols);

  // Any chunking. Errors (sticky): those of MessageReader::next, bad_header, too_many_proposals.
  // After done(), bytes go to the leftover.
  Result<void> feed(ByteView bytes);
  Bytes take_output() { return std::exchange(output_, Bytes{}); }
  // The protocol we echoed, once agreed.
  const std::optional<std::string>& selected() const { return selected_; }
  bool done() const { return state_ == State::done; }
  // Bytes received after the accepted proposal (early data of the next layer).
  Bytes take_leftover() { return std::exchange(leftover_, Bytes{}); }

 private:
  enum class State { awaiting_header, awaiting_proposal, done, failed };
  Result<void> on_message(std::string text);
  Result<void> fail_with(std::error_code e);

  Supports supports_;
  std::size_t rejected_ = 0;
  State state_ = State::awaiting_header;
  std::error_code error_;
  MessageReader reader_;
  Bytes output_;
  Bytes leftover_;
  std::optional<std::string> selected_;
};

}  // namespace meshchat::p2p::multistream

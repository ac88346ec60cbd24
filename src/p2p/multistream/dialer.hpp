// multistream-select 1.0 (/multistream/1.0.0) dialer (initiator) side, sans-IO.
// Spec: libp2p/specs connections/README.md, "Protocol Negotiation".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/multistream/message.hpp"

namespace meshchat::p2p::multistream {

enum class Mode {
  // Propose the protocols in order, each after the previous one was refused with "na".
  negotiate,
  // Exactly one protocol, considered selected at once so that application data can follow the
  // proposal in the same write (rust-libp2p's V1Lazy). The echo is still checked when it comes;
  // "na" is then protocol_not_supported. Only for a peer known to support the protocol: after
  // a refusal the listener reads our application data as multistream messages.
  lazy,
};

class Dialer {
 public:
  // Queues the header and the first proposal together (pipelined). Throws std::invalid_argument
  // if `protocols` is empty, an id fails is_valid_protocol_id, or lazy mode has several ids.
  explicit Dialer(std::vector<std::string> protocols, Mode mode = Mode::negotiate);

  // Any chunking. Errors (sticky): those of MessageReader::next, bad_header,
  // unexpected_message, protocol_not_supported. After done(), bytes go to the leftover.
  Result<void> feed(ByteView bytes);
  // Bytes to write to the peer, in order.
  Bytes take_output() { return std::exchange(output_, Bytes{}); }
  // The agreed protocol: after the echo, or from the start in lazy mode.
  const std::optional<std::string>& selected() const { return selected_; }
  // True once the listener's header and echo arrived; from then on incoming bytes belong to the
  // selected protocol.
  bool done() const { return state_ == State::done; }
  // Bytes received after the echo (early data of the next layer); empty before done().
  Bytes take_leftover() { return std::exchange(leftover_, Bytes{}); }

 private:
  enum class State { awaiting_header, awaiting_reply, done, failed };
  Result<void> on_message(const std::string& text);
  Result<void> fail_with(std::error_code e);

  std::vector<std::string> protocols_;
  Mode mode_;
  std::size_t current_ = 0;  // index of the outstanding proposal
  State state_ = State::awaiting_header;
  std::error_code error_;
  MessageReader reader_;
  Bytes output_;
  Bytes leftover_;
  std::optional<std::string> selected_;
};

}  // namespace meshchat::p2p::multistream

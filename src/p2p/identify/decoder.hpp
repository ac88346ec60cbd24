// identify (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0): incremental reader of one identify stream.
// Spec: libp2p/specs identify/README.md. The sender writes one or more framed messages, then
// closes the stream; the reader merges them (go-libp2p splits large ones).
#pragma once

#include <cstddef>
#include <optional>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/identify/message.hpp"

namespace meshchat::p2p::identify {

class Decoder {
 public:
  // Any chunking. Buffers at most one message (kMaxMessageBytes plus its prefix).
  // Errors (sticky): bad_length, message_too_large, too_many_messages, those of decode_body,
  // and too_many_listen_addrs / too_many_protocols for the merged message.
  Result<void> feed(ByteView bytes);
  // Call at end of stream: the merged message. Errors: an earlier feed error, truncated,
  // no_message.
  Result<Identify> finish();
  std::size_t messages() const { return messages_; }

 private:
  Result<void> fail_with(std::error_code e);
  Result<void> complete_message();

  Bytes prefix_;                       // length prefix bytes so far
  std::optional<std::size_t> length_;  // known once the prefix is complete
  Bytes body_;
  Identify merged_;
  std::size_t messages_ = 0;
  std::error_code error_;
};

}  // namespace meshchat::p2p::identify

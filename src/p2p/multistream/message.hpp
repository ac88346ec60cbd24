// multistream-select 1.0 (/multistream/1.0.0) message framing: uvarint length, text, '\n'.
// Spec: libp2p/specs connections/README.md, "Protocol Negotiation".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/multistream/error.hpp"

namespace meshchat::p2p::multistream {

inline constexpr std::string_view kProtocolId = "/multistream/1.0.0";
// The listener's answer to a protocol it does not support, and to "ls" (we do not list).
inline constexpr std::string_view kNa = "na";
inline constexpr std::string_view kLs = "ls";

// Messages are protocol ids ("/noise", "/yamux/1.0.0", "/ipfs/id/push/1.0.0") plus '\n'; real ids
// are well under 100 bytes (rust-libp2p caps them at 140). 1 KiB leaves ample room while keeping
// what a peer can make us buffer before a message is complete small.
inline constexpr std::size_t kMaxMessageBytes = 1024;

// True if `id` can be sent as a proposal: non-empty, no '\n', and it fits in kMaxMessageBytes.
bool is_valid_protocol_id(std::string_view id);

// Appends the framed message: uvarint(len(text) + 1), text, '\n'.
void encode_message(std::string_view text, Bytes& out);
Bytes encode_message(std::string_view text);

// Splits a byte stream into messages. Bytes after the last message taken stay available for the
// next layer through take_rest().
class MessageReader {
 public:
  void feed(ByteView bytes) { append(buffer_, bytes); }
  // The next message's text without its '\n', nullopt until a whole message is buffered.
  // Errors: bad_length, message_too_long, missing_newline.
  Result<std::optional<std::string>> next();
  // Everything fed but not yet returned by next().
  Bytes take_rest();

 private:
  Bytes buffer_;
};

}  // namespace meshchat::p2p::multistream

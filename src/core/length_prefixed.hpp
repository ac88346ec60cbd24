// Unsigned-varint length-prefixed messages, the framing of most libp2p protocols (identify,
// the p2pd control socket, meshchat's own protocols): a writer and an incremental reader.
#pragma once

#include <cstddef>
#include <optional>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat {

// `body` behind its unsigned-varint length.
Bytes length_prefixed(ByteView body);

// Splits a byte stream into length-prefixed messages, fed in any chunking. The bytes after a
// message stay buffered until taken (they may belong to the next protocol on the stream).
// Errors (sticky, from feed() and next()): `too_large` (the protocol's own code) for a length
// above `max_message`, refused as soon as the prefix is complete, and varint::Error overflow and
// not_minimal for a malformed prefix.
class LengthPrefixedReader {
 public:
  LengthPrefixedReader(std::size_t max_message, std::error_code too_large)
      : max_message_(max_message), too_large_(too_large) {}

  Result<void> feed(ByteView bytes);
  // The next complete message body, nullopt if none is complete yet.
  Result<std::optional<Bytes>> next();
  // Everything buffered that next() has not returned.
  Bytes take_remaining() { return std::exchange(buffer_, {}); }
  // True while a message has begun but is incomplete (end of input now means truncation).
  bool in_message() const { return !buffer_.empty(); }

 private:
  // The size of the length prefix once it is complete (its value checked against the limit).
  Result<std::optional<std::size_t>> prefix() const;

  std::size_t max_message_;
  std::error_code too_large_;
  Bytes buffer_;
  std::error_code error_;
};

}  // namespace meshchat

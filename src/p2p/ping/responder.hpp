// ping (/ipfs/ping/1.0.0) listener side: echo every complete 32-byte payload. Sans-IO.
// Spec: libp2p/specs ping/ping.md.
#pragma once

#include <cstddef>
#include <system_error>
#include <utility>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/ping/pinger.hpp"

namespace meshchat::p2p::ping {

// A dialer has one payload in flight (the spec's loop waits for each echo); a few more
// tolerates pipelining. Beyond that the peer writes without reading and we would buffer for it.
// Counts partial and complete payloads not yet taken.
inline constexpr std::size_t kMaxUnechoedBytes = 8 * kPayloadSize;

class Responder {
 public:
  // Any chunking. The glue must take_output() after each feed. Errors (sticky): flooded.
  Result<void> feed(ByteView in);
  // Echoes of the complete payloads received so far.
  Bytes take_output() { return std::exchange(output_, Bytes{}); }
  // The dialer closed its write side. Errors: truncated if a payload was cut short.
  Result<void> on_eof();

 private:
  Bytes partial_;  // fewer than kPayloadSize bytes
  Bytes output_;
  std::error_code error_;
};

}  // namespace meshchat::p2p::ping

// ping (/ipfs/ping/1.0.0) dialer side: send 32 random bytes, time their echo. Sans-IO.
// Spec: libp2p/specs ping/ping.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"
#include "p2p/ping/error.hpp"

namespace meshchat::p2p::ping {

inline constexpr std::string_view kProtocolId = "/ipfs/ping/1.0.0";
inline constexpr std::size_t kPayloadSize = 32;  // fixed by the spec

class Pinger {
 public:
  // The payload to write. Only one ping at a time: calling it while one is outstanding, or
  // after an error, is a bug (std::logic_error).
  Bytes start(Rng& rng, TimePoint now);
  // Echoed bytes in any chunking; the RTT once all 32 came back. A wrong byte fails at once.
  // Errors (sticky): mismatch, unexpected_bytes.
  Result<std::optional<Duration>> on_bytes(ByteView in, TimePoint now);
  bool outstanding() const { return outstanding_; }

 private:
  std::array<std::uint8_t, kPayloadSize> payload_{};
  std::size_t received_ = 0;  // bytes of the echo matched so far
  bool outstanding_ = false;
  TimePoint sent_at_{};
  std::error_code error_;
};

}  // namespace meshchat::p2p::ping

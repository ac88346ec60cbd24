#include "p2p/ping/pinger.hpp"

#include <algorithm>
#include <stdexcept>

namespace meshchat::p2p::ping {

Bytes Pinger::start(Rng& rng, TimePoint now) {
  if (outstanding_ || error_) throw std::logic_error("ping: start while busy or failed");
  rng.fill(payload_);
  received_ = 0;
  outstanding_ = true;
  sent_at_ = now;
  return Bytes(payload_.begin(), payload_.end());
}

Result<std::optional<Duration>> Pinger::on_bytes(ByteView in, TimePoint now) {
  if (error_) return fail(error_);
  if (in.empty()) return std::optional<Duration>{};
  if (!outstanding_ || in.size() > kPayloadSize - received_) {
    error_ = Error::unexpected_bytes;
    return fail(error_);
  }
  if (!std::equal(in.begin(), in.end(),
                  payload_.begin() + static_cast<std::ptrdiff_t>(received_))) {
    error_ = Error::mismatch;
    return fail(error_);
  }
  received_ += in.size();
  if (received_ < kPayloadSize) return std::optional<Duration>{};
  outstanding_ = false;
  return std::optional<Duration>(now - sent_at_);
}

}  // namespace meshchat::p2p::ping

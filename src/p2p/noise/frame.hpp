// Framing of /noise messages (libp2p/noise/README.md "Wire Format"): a 16-bit big-endian length,
// then that many bytes of Noise handshake or transport message.
#pragma once

#include <cstddef>
#include <cstdint>

#include "p2p/noise/handshake_state.hpp"

namespace meshchat::p2p::noise {

inline constexpr std::size_t kLengthPrefixSize = 2;
// The most bytes one frame can span on the wire; a partial frame never needs more buffering.
inline constexpr std::size_t kMaxFrameSize = kLengthPrefixSize + kMaxMessageSize;

inline void put_length(std::uint8_t* out, std::size_t length) {
  out[0] = static_cast<std::uint8_t>(length >> 8);
  out[1] = static_cast<std::uint8_t>(length);
}

inline std::size_t get_length(const std::uint8_t* in) {
  return static_cast<std::size_t>(in[0]) << 8 | in[1];
}

}  // namespace meshchat::p2p::noise

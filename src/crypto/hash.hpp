// Hash functions used by the wire protocols (SHA-256 for multihash and Noise), over libsodium.
// Incremental hashing for Noise's transcript lives with Noise itself.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"

namespace meshchat::crypto {

inline constexpr std::size_t kSha256Size = 32;
using Sha256Digest = std::array<std::uint8_t, kSha256Size>;

Sha256Digest sha256(ByteView data);

}  // namespace meshchat::crypto

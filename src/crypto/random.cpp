#include "crypto/random.hpp"

#include <sodium.h>

namespace meshchat::crypto {

void SystemRng::fill(std::span<std::uint8_t> out) {
  randombytes_buf(out.data(), out.size());
}

SeededRng::SeededRng(std::uint64_t seed) {
  for (std::size_t i = 0; i < 8; ++i) seed_[i] = static_cast<std::uint8_t>(seed >> (8 * i));
}

void SeededRng::fill(std::span<std::uint8_t> out) {
  // Each call derives a fresh seed from (seed, counter) so successive calls differ.
  std::array<std::uint8_t, 32> call_seed = seed_;
  for (std::size_t i = 0; i < 8; ++i)
    call_seed[8 + i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  ++counter_;
  randombytes_buf_deterministic(out.data(), out.size(), call_seed.data());
}

}  // namespace meshchat::crypto

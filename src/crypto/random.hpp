// Rng implementations: SystemRng (libsodium's CSPRNG) for real use, SeededRng for reproducible
// tests. Protocol code only sees the meshchat::Rng interface.
#pragma once

#include <array>
#include <cstdint>

#include "core/rng.hpp"

namespace meshchat::crypto {

class SystemRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// Deterministic stream from a 32-byte seed (ChaCha20 via randombytes_buf_deterministic).
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::array<std::uint8_t, 32> seed_{};
  std::uint64_t counter_ = 0;
};

}  // namespace meshchat::crypto

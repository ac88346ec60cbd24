// The randomness source that sans-IO protocols take as a parameter instead of calling a global RNG.
// crypto/random.hpp has the system implementation and a seeded one for tests.
#pragma once

#include <cstdint>
#include <span>

namespace meshchat {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace meshchat

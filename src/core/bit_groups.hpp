// The bit packing shared by the power-of-two bases (base32: 5-bit digits, base64: 6-bit):
// bytes to digits most significant bit first, without padding characters, and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace meshchat::bit_groups {

// Appends `data` as digits of `width` bits, each written as alphabet[value]; a last partial
// digit is filled with zero bits.
inline void encode(ByteView data, int width, std::string_view alphabet, std::string& out) {
  const std::uint32_t mask = (1u << width) - 1;
  std::uint32_t buffer = 0;  // fewer than width + 8 pending bits
  int bits = 0;
  for (auto byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= width) {
      bits -= width;
      out.push_back(alphabet[(buffer >> bits) & mask]);
    }
    buffer &= (1u << bits) - 1;
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (width - bits)) & mask]);
}

enum class Failure { bad_character, nonzero_padding };

// Appends the bytes that `text`'s digits of `width` bits carry; `digit(c)` gives a character's
// value or -1. The bits left over at the end must be zero (canonical encoding).
template <class Digit>
std::optional<Failure> decode(std::string_view text, int width, Digit digit, Bytes& out) {
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = digit(c);
    if (value < 0) return Failure::bad_character;
    buffer = (buffer << width) | static_cast<std::uint32_t>(value);
    bits += width;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  if (buffer != 0) return Failure::nonzero_padding;
  return std::nullopt;
}

}  // namespace meshchat::bit_groups

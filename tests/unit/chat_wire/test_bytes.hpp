// Test helpers for hand-written wire vectors: bytes from hex, concatenation, and 32-byte ids
// (message or conversation) filled with one byte.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include "core/bytes.hpp"

namespace meshchat::chat::wire::testing {

inline Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument("bad hex in test");
  return *bytes;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) append(out, part);
  return out;
}

inline std::array<std::uint8_t, 32> id_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> id;
  id.fill(fill);
  return id;
}

}  // namespace meshchat::chat::wire::testing

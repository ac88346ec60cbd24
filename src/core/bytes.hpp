// Byte buffers and views shared by every layer, with hex helpers for tests and logs.
// Bytes owns its storage; ByteView is a non-owning view of contiguous bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meshchat {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string_view as_string(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline Bytes to_bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

inline void append(Bytes& out, ByteView in) {
  out.insert(out.end(), in.begin(), in.end());
}

std::string to_hex(ByteView b);
// Lower- or upper-case hex, no separators; nullopt on odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace meshchat

// The check every chat wire fuzz target makes: arbitrary bytes either fail with a WireError, or
// decode to a frame whose canonical encoding (never longer than the input, so within the frame
// limit) decodes back to the same frame and encodes to the same bytes. Aborts otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "chat/wire/error.hpp"
#include "core/bytes.hpp"

namespace meshchat::fuzz {

inline void check(bool ok) {
  if (!ok) std::abort();
}

// The decoded frame, or nullopt when `decode` refused the input with a documented WireError.
template <class Decode>
auto round_trip(const std::uint8_t* data, std::size_t size, Decode decode)
    -> std::optional<typename decltype(decode(ByteView()))::value_type> {
  namespace wire = chat::wire;
  auto frame = decode(ByteView(data, size));
  if (!frame) {
    const auto e = frame.error();
    check(e.category() == wire::error_category() && e.value() >= 1 &&
          e.value() <= static_cast<int>(wire::WireError::bad_value));
    return std::nullopt;
  }
  Bytes body = wire::encode(*frame);
  check(body.size() <= size);
  auto again = decode(body);
  check(again.has_value());
  check(*again == *frame);
  check(wire::encode(*again) == body);
  return std::move(*frame);
}

}  // namespace meshchat::fuzz

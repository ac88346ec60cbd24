// yamux (/yamux/1.0.0) frame header codec: version, type, flags, stream id, length (big endian).
// Spec: specs/yamux/hashicorp-spec.md "Framing"; specs/libp2p/yamux/README.md.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/yamux/error.hpp"

namespace meshchat::p2p::yamux {

inline constexpr std::size_t kHeaderSize = 12;  // version, type, flags, stream id, length
inline constexpr std::uint8_t kVersion = 0;     // the only version the spec defines

// Every stream starts with this window in both directions; larger windows are granted by
// WindowUpdate (spec "Flow Control").
inline constexpr std::uint32_t kInitialWindow = 256 * 1024;

enum class Type : std::uint8_t { data = 0, window_update = 1, ping = 2, go_away = 3 };

// Stream 0 is the session itself (ping, GoAway); clients open odd ids, servers even ones.
struct StreamId {
  std::uint32_t value = 0;
  auto operator<=>(const StreamId&) const = default;
};
inline constexpr StreamId kSessionStream{0};

// The 16-bit flag field. Unknown bits are kept so that decode/encode is lossless; the session
// ignores them, as the spec leaves room for more flags (hashicorp once had LZW = 0x10).
struct Flags {
  std::uint16_t bits = 0;

  static constexpr std::uint16_t kSyn = 0x1;  // opens a stream; on ping: a request
  static constexpr std::uint16_t kAck = 0x2;  // accepts a stream; on ping: the response
  static constexpr std::uint16_t kFin = 0x4;  // half close: the sender sends no more data
  static constexpr std::uint16_t kRst = 0x8;  // resets the stream at once

  constexpr bool has(std::uint16_t flag) const { return (bits & flag) != 0; }
  bool operator==(const Flags&) const = default;
};
inline constexpr Flags kNoFlags{0};
inline constexpr Flags kSyn{Flags::kSyn};
inline constexpr Flags kAck{Flags::kAck};
inline constexpr Flags kFin{Flags::kFin};
inline constexpr Flags kRst{Flags::kRst};
constexpr Flags operator|(Flags a, Flags b) {
  return Flags{std::uint16_t(a.bits | b.bits)};
}

// GoAway codes from the spec's "Session termination"; other values are passed through.
enum class GoAwayCode : std::uint32_t { normal = 0, protocol_error = 1, internal_error = 2 };

struct Header {
  Type type = Type::data;
  Flags flags;
  StreamId stream;
  // Data: payload bytes that follow; WindowUpdate: window delta; ping: opaque value;
  // GoAway: error code.
  std::uint32_t length = 0;
  bool operator==(const Header&) const = default;
};

std::array<std::uint8_t, kHeaderSize> encode(const Header& header);
// Appends the 12 header bytes to `out`.
void encode(const Header& header, Bytes& out);

// Errors: Error::bad_version, Error::bad_type. Flags, stream id and length are not judged here:
// their meaning depends on the session state.
Result<Header> decode(std::span<const std::uint8_t, kHeaderSize> bytes);

}  // namespace meshchat::p2p::yamux

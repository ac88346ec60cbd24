// /meshchat/presence/1.0.0 frame codec (DESIGN.md §5 "Chat protocols"): online/away/offline
// status and typing indicators. Ephemeral and rate-limited (chat/presence/); never stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "chat/envelope.hpp"
#include "chat/wire/error.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::wire {

// Stream protocol. Every frame is an unsigned-varint length-prefixed protobuf body
// (core/length_prefixed.hpp); encode() and decode_presence_frame() handle one body.
//
//   message PresenceFrame { oneof kind { uint32 status = 1; Typing typing = 2; } }
//   message Typing        { bytes conversation = 1; bool active = 2; }
//
// Decoding is strict as for the msg protocol: unknown fields, wrong wire types, repeated
// fields, a oneof with zero or two kinds, a conversation other than 32 bytes are `malformed`.
// `active` false is omitted when encoding (proto3 default) and accepted either way.
inline constexpr std::string_view kPresenceProtocol = "/meshchat/presence/1.0.0";
// The largest valid frame is a typing frame of 40 bytes; the rest is slack for nothing, so that
// a peer cannot make us buffer more than this per presence stream.
inline constexpr std::size_t kMaxPresenceFrameBytes = 256;

// Wire values; never renumber.
enum class PresenceStatus : std::uint32_t { online = 1, away = 2, offline = 3 };

struct StatusFrame {
  PresenceStatus status = PresenceStatus::online;
  bool operator==(const StatusFrame&) const = default;
};

// The sender started (or keeps) typing in `conversation`, or stopped (active = false). Typing
// frames are refreshed while typing continues; receivers expire silent ones (TypingTracker).
struct TypingFrame {
  ConversationId conversation{};
  bool active = false;
  bool operator==(const TypingFrame&) const = default;
};

using PresenceFrame = std::variant<StatusFrame, TypingFrame>;

// The protobuf body. A status outside PresenceStatus is a bug: std::invalid_argument.
Bytes encode(const PresenceFrame& frame);

// Errors: too_large (body above kMaxPresenceFrameBytes), bad_value (status outside 1..3, active
// other than 0 or 1), malformed (everything else).
Result<PresenceFrame> decode_presence_frame(ByteView body);

}  // namespace meshchat::chat::wire

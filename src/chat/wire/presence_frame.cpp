#include "chat/wire/presence_frame.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "chat/wire/field_reader.hpp"
#include "core/protobuf.hpp"

namespace meshchat::chat::wire {

namespace {

using protobuf::Field;
using protobuf::WireType;

namespace frame_field {
constexpr std::uint32_t kStatus = 1;
constexpr std::uint32_t kTyping = 2;
}  // namespace frame_field
namespace typing_field {
constexpr std::uint32_t kConversation = 1;
constexpr std::uint32_t kActive = 2;
}  // namespace typing_field

using detail::accept_once;
using detail::read_fields;

bool valid_status(std::uint64_t status) {
  return status >= static_cast<std::uint32_t>(PresenceStatus::online) &&
         status <= static_cast<std::uint32_t>(PresenceStatus::offline);
}

Result<TypingFrame> decode_typing(ByteView message) {
  TypingFrame typing;
  bool seen_conversation = false, seen_active = false;
  std::uint64_t active = 0;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case typing_field::kConversation:
        if (auto r = accept_once(f, WireType::length_delimited, seen_conversation); !r) return r;
        if (f.bytes.size() != typing.conversation.size()) return fail(WireError::malformed);
        std::copy(f.bytes.begin(), f.bytes.end(), typing.conversation.begin());
        return {};
      case typing_field::kActive:
        if (auto r = accept_once(f, WireType::varint, seen_active); !r) return r;
        active = f.varint;
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (!seen_conversation) return fail(WireError::malformed);
  if (active > 1) return fail(WireError::bad_value);
  typing.active = active == 1;
  return typing;
}

}  // namespace

Bytes encode(const PresenceFrame& frame) {
  protobuf::Writer out;
  if (const auto* status = std::get_if<StatusFrame>(&frame)) {
    auto value = static_cast<std::uint32_t>(status->status);
    if (!valid_status(value)) throw std::invalid_argument("presence frame: status out of range");
    out.varint_field(frame_field::kStatus, value);
    return out.take();
  }
  const auto& typing = std::get<TypingFrame>(frame);
  protobuf::Writer body;
  body.bytes_field(typing_field::kConversation, typing.conversation);
  if (typing.active) body.varint_field(typing_field::kActive, 1);
  out.bytes_field(frame_field::kTyping, body.bytes());
  return out.take();
}

Result<PresenceFrame> decode_presence_frame(ByteView body) {
  if (body.size() > kMaxPresenceFrameBytes) return fail(WireError::too_large);
  std::optional<std::uint64_t> status;
  std::optional<ByteView> typing;
  auto fields = read_fields(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case frame_field::kStatus:
        if (f.type != WireType::varint || status) return fail(WireError::malformed);
        status = f.varint;
        return {};
      case frame_field::kTyping:
        if (f.type != WireType::length_delimited || typing) return fail(WireError::malformed);
        typing = f.bytes;
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (status.has_value() == typing.has_value()) return fail(WireError::malformed);  // oneof
  if (status) {
    if (!valid_status(*status)) return fail(WireError::bad_value);
    return StatusFrame{static_cast<PresenceStatus>(*status)};
  }
  auto decoded = decode_typing(*typing);
  if (!decoded) return fail(decoded.error());
  return *decoded;
}

}  // namespace meshchat::chat::wire

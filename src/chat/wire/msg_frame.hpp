// /meshchat/msg/1.0.0 frame codec (DESIGN.md §5 "Chat protocols"): signed envelopes one way,
// delivered and read receipts back. Sans-IO: bodies in, bodies out; the glue does the framing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "chat/envelope.hpp"
#include "chat/wire/error.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::wire {

// Stream protocol. Every frame is an unsigned-varint length-prefixed protobuf body
// (core/length_prefixed.hpp); encode() and decode_msg_frame() handle one body.
//
//   message MsgFrame { oneof kind { bytes envelope = 1; Receipt receipt = 2; } }
//   message Receipt  { uint32 kind = 1; repeated bytes ids = 2; }
//
// The sender writes envelope frames. The receiver stores each envelope and answers with a
// `delivered` receipt listing the ids it stored, batched when several arrive close together;
// the sender's outbox keeps a message until that receipt. `read` receipts announce that the user
// has read those messages. Both peers may send any frame kind on any msg stream.
//
// Decoding is strict: unknown fields, wrong wire types, a field that may appear once appearing
// twice, a oneof with zero or two kinds, or an id other than 32 bytes are `malformed`.
inline constexpr std::string_view kMsgProtocol = "/meshchat/msg/1.0.0";
// Largest frame body: one maximal envelope plus protobuf overhead (tag and 3-byte length).
inline constexpr std::size_t kMaxMsgFrameBytes = kMaxEnvelopeBytes + 64;
// A receipt batch acknowledges what arrived in one burst; 1024 ids (35 KiB) fit one frame and are
// far more than a burst, while bounding the work one frame can cause.
inline constexpr std::size_t kMaxReceiptIds = 1024;

// Wire values; never renumber.
enum class ReceiptKind : std::uint32_t {
  delivered = 1,  // the receiver stored the messages
  read = 2,       // the receiver's user has read the messages
};

// The encoded signed envelope (Envelope::encode()), opaque here: the receiver decodes and
// verifies it. Non-empty, at most kMaxEnvelopeBytes.
struct EnvelopeFrame {
  Bytes envelope;
  bool operator==(const EnvelopeFrame&) const = default;
};

// 1..kMaxReceiptIds message ids, all of one kind.
struct ReceiptFrame {
  ReceiptKind kind = ReceiptKind::delivered;
  std::vector<MessageId> ids;
  bool operator==(const ReceiptFrame&) const = default;
};

using MsgFrame = std::variant<EnvelopeFrame, ReceiptFrame>;

// The protobuf body. Sending a frame that decode_msg_frame() would refuse (an empty or too large
// envelope, no ids or too many, a kind outside ReceiptKind) is a bug: std::invalid_argument.
Bytes encode(const MsgFrame& frame);

// Errors: too_large (body above kMaxMsgFrameBytes, envelope above kMaxEnvelopeBytes, ids above
// kMaxReceiptIds), bad_value (receipt kind not 1 or 2), malformed (everything else).
Result<MsgFrame> decode_msg_frame(ByteView body);

}  // namespace meshchat::chat::wire

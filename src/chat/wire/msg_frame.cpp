#include "chat/wire/msg_frame.hpp"

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
constexpr std::uint32_t kEnvelope = 1;
constexpr std::uint32_t kReceipt = 2;
}  // namespace frame_field
namespace receipt_field {
constexpr std::uint32_t kKind = 1;
constexpr std::uint32_t kIds = 2;
}  // namespace receipt_field

using detail::accept_once;
using detail::read_fields;

bool valid_kind(ReceiptKind kind) {
  return kind == ReceiptKind::delivered || kind == ReceiptKind::read;
}

Result<ReceiptFrame> decode_receipt(ByteView message) {
  ReceiptFrame receipt;
  std::uint64_t kind = 0;  // absent reads as 0, which is no kind
  bool seen_kind = false;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case receipt_field::kKind:
        if (auto r = accept_once(f, WireType::varint, seen_kind); !r) return r;
        kind = f.varint;
        return {};
      case receipt_field::kIds:
        if (f.type != WireType::length_delimited || f.bytes.size() != kIdSize) {
          return fail(WireError::malformed);
        }
        if (receipt.ids.size() == kMaxReceiptIds) return fail(WireError::too_large);
        std::copy(f.bytes.begin(), f.bytes.end(), receipt.ids.emplace_back().begin());
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (receipt.ids.empty()) return fail(WireError::malformed);
  if (kind != static_cast<std::uint32_t>(ReceiptKind::delivered) &&
      kind != static_cast<std::uint32_t>(ReceiptKind::read)) {
    return fail(WireError::bad_value);
  }
  receipt.kind = static_cast<ReceiptKind>(kind);
  return receipt;
}

}  // namespace

Bytes encode(const MsgFrame& frame) {
  protobuf::Writer out;
  if (const auto* envelope = std::get_if<EnvelopeFrame>(&frame)) {
    if (envelope->envelope.empty() || envelope->envelope.size() > kMaxEnvelopeBytes) {
      throw std::invalid_argument("msg frame: envelope empty or above kMaxEnvelopeBytes");
    }
    out.bytes_field(frame_field::kEnvelope, envelope->envelope);
    return out.take();
  }
  const auto& receipt = std::get<ReceiptFrame>(frame);
  if (receipt.ids.empty() || receipt.ids.size() > kMaxReceiptIds || !valid_kind(receipt.kind)) {
    throw std::invalid_argument("msg frame: receipt without ids, with too many, or of no kind");
  }
  protobuf::Writer body;
  body.varint_field(receipt_field::kKind, static_cast<std::uint32_t>(receipt.kind));
  for (const MessageId& id : receipt.ids) body.bytes_field(receipt_field::kIds, id);
  out.bytes_field(frame_field::kReceipt, body.bytes());
  return out.take();
}

Result<MsgFrame> decode_msg_frame(ByteView body) {
  if (body.size() > kMaxMsgFrameBytes) return fail(WireError::too_large);
  std::optional<ByteView> envelope, receipt;
  auto fields = read_fields(body, [&](const Field& f) -> Result<void> {
    if (f.type != WireType::length_delimited) return fail(WireError::malformed);
    switch (f.number) {
      case frame_field::kEnvelope:
        if (envelope) return fail(WireError::malformed);
        envelope = f.bytes;
        return {};
      case frame_field::kReceipt:
        if (receipt) return fail(WireError::malformed);
        receipt = f.bytes;
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (envelope.has_value() == receipt.has_value()) return fail(WireError::malformed);  // oneof
  if (envelope) {
    if (envelope->empty()) return fail(WireError::malformed);
    if (envelope->size() > kMaxEnvelopeBytes) return fail(WireError::too_large);
    return EnvelopeFrame{Bytes(envelope->begin(), envelope->end())};
  }
  auto decoded = decode_receipt(*receipt);
  if (!decoded) return fail(decoded.error());
  return std::move(*decoded);
}

}  // namespace meshchat::chat::wire

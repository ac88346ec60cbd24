#include "chat/wire/sync_frame.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

#include "chat/wire/field_reader.hpp"
#include "core/protobuf.hpp"

namespace meshchat::chat::wire {

namespace {

using protobuf::Field;
using protobuf::WireType;

// SyncFrame oneof members, in the order of the SyncFrame variant (field number = index + 1).
constexpr std::size_t kKinds = std::variant_size_v<SyncFrame>;
namespace reconcile_field {
constexpr std::uint32_t kConversation = 1;
constexpr std::uint32_t kNegentropy = 2;
}  // namespace reconcile_field
constexpr std::uint32_t kWantIds = 1;
constexpr std::uint32_t kEnvelopesEnvelope = 1;
constexpr std::uint32_t kReceiptsEntries = 1;
namespace entry_field {
constexpr std::uint32_t kId = 1;
constexpr std::uint32_t kKind = 2;
}  // namespace entry_field
namespace done_field {
constexpr std::uint32_t kItemsSent = 1;
constexpr std::uint32_t kBytesSent = 2;
}  // namespace done_field

// Bytes of a length-delimited field with a one-byte tag.
constexpr std::size_t delimited_size(std::size_t size) {
  std::size_t length_bytes = 1;
  for (std::size_t v = size; v >= 0x80; v >>= 7) ++length_bytes;
  return 1 + length_bytes + size;
}
// Full id and receipt chunks fit a frame, so pack_wants and pack_receipts need only count.
static_assert(delimited_size(kMaxWantIds * delimited_size(kIdSize)) <= kMaxSyncFrameBytes);
static_assert(delimited_size(kMaxReceiptEntries * delimited_size(delimited_size(kIdSize) + 1 +
                                                                 5)) <= kMaxSyncFrameBytes);
static_assert(delimited_size(delimited_size(kMaxEnvelopeBytes)) <= kMaxSyncFrameBytes);
static_assert(delimited_size(delimited_size(sizeof(ConversationId)) +
                             delimited_size(kMaxNegentropyMessageBytes)) <= kMaxSyncFrameBytes);

using detail::accept_once;
using detail::read_fields;

// A 32-byte id (message or conversation).
Result<void> read_id(const Field& f, std::array<std::uint8_t, kIdSize>& id) {
  if (f.type != WireType::length_delimited || f.bytes.size() != kIdSize) {
    return fail(WireError::malformed);
  }
  std::copy(f.bytes.begin(), f.bytes.end(), id.begin());
  return {};
}

bool valid_kind(ReceiptKind kind) {
  return kind == ReceiptKind::delivered || kind == ReceiptKind::read;
}

Result<ReceiptKind> read_kind(std::uint64_t value) {
  if (value != static_cast<std::uint32_t>(ReceiptKind::delivered) &&
      value != static_cast<std::uint32_t>(ReceiptKind::read)) {
    return fail(WireError::bad_value);
  }
  return static_cast<ReceiptKind>(value);
}

Result<SyncFrame> decode_reconcile(ByteView message) {
  ReconcileFrame frame;
  bool seen_conversation = false, seen_negentropy = false;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case reconcile_field::kConversation:
        if (auto r = accept_once(f, WireType::length_delimited, seen_conversation); !r) return r;
        return read_id(f, frame.conversation);
      case reconcile_field::kNegentropy:
        if (auto r = accept_once(f, WireType::length_delimited, seen_negentropy); !r) return r;
        frame.negentropy.assign(f.bytes.begin(), f.bytes.end());
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (!seen_conversation || frame.negentropy.empty()) return fail(WireError::malformed);
  return frame;
}

Result<SyncFrame> decode_want(ByteView message) {
  WantFrame frame;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    if (f.number != kWantIds) return fail(WireError::malformed);
    if (frame.ids.size() == kMaxWantIds) return fail(WireError::too_large);
    return read_id(f, frame.ids.emplace_back());
  });
  if (!fields) return fail(fields.error());
  if (frame.ids.empty()) return fail(WireError::malformed);
  return frame;
}

Result<SyncFrame> decode_envelopes(ByteView message) {
  EnvelopesFrame frame;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    if (f.number != kEnvelopesEnvelope || f.type != WireType::length_delimited) {
      return fail(WireError::malformed);
    }
    if (f.bytes.empty()) return fail(WireError::malformed);
    if (f.bytes.size() > kMaxEnvelopeBytes) return fail(WireError::too_large);
    if (frame.envelopes.size() == kMaxEnvelopesPerFrame) return fail(WireError::too_large);
    frame.envelopes.emplace_back(f.bytes.begin(), f.bytes.end());
    return {};
  });
  if (!fields) return fail(fields.error());
  if (frame.envelopes.empty()) return fail(WireError::malformed);
  return frame;
}

Result<ReceiptEntry> decode_entry(ByteView message) {
  ReceiptEntry entry;
  bool seen_id = false, seen_kind = false;
  std::uint64_t kind = 0;  // absent reads as 0, which is no kind
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case entry_field::kId:
        if (auto r = accept_once(f, WireType::length_delimited, seen_id); !r) return r;
        return read_id(f, entry.id);
      case entry_field::kKind:
        if (auto r = accept_once(f, WireType::varint, seen_kind); !r) return r;
        kind = f.varint;
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  if (!seen_id) return fail(WireError::malformed);
  auto valid = read_kind(kind);
  if (!valid) return fail(valid.error());
  entry.kind = *valid;
  return entry;
}

Result<SyncFrame> decode_receipts(ByteView message) {
  ReceiptsFrame frame;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    if (f.number != kReceiptsEntries || f.type != WireType::length_delimited) {
      return fail(WireError::malformed);
    }
    if (frame.entries.size() == kMaxReceiptEntries) return fail(WireError::too_large);
    auto entry = decode_entry(f.bytes);
    if (!entry) return fail(entry.error());
    frame.entries.push_back(*entry);
    return {};
  });
  if (!fields) return fail(fields.error());
  return frame;
}

Result<SyncFrame> decode_done(ByteView message) {
  DoneFrame frame;
  bool seen_items = false, seen_bytes = false;
  auto fields = read_fields(message, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case done_field::kItemsSent:
        if (auto r = accept_once(f, WireType::varint, seen_items); !r) return r;
        frame.items_sent = f.varint;
        return {};
      case done_field::kBytesSent:
        if (auto r = accept_once(f, WireType::varint, seen_bytes); !r) return r;
        frame.bytes_sent = f.varint;
        return {};
      default:
        return fail(WireError::malformed);
    }
  });
  if (!fields) return fail(fields.error());
  return frame;
}

void check_envelope(const Bytes& envelope) {
  if (envelope.empty() || envelope.size() > kMaxEnvelopeBytes) {
    throw std::invalid_argument("sync frame: envelope empty or above kMaxEnvelopeBytes");
  }
}

// The body of each oneof member, without the SyncFrame tag.
Bytes encode_member(const ReconcileFrame& frame) {
  if (frame.negentropy.empty()) throw std::invalid_argument("sync frame: empty negentropy");
  protobuf::Writer out;
  out.bytes_field(reconcile_field::kConversation, frame.conversation);
  out.bytes_field(reconcile_field::kNegentropy, frame.negentropy);
  return out.take();
}

Bytes encode_member(const WantFrame& frame) {
  if (frame.ids.empty() || frame.ids.size() > kMaxWantIds) {
    throw std::invalid_argument("sync frame: want without ids or with too many");
  }
  protobuf::Writer out;
  for (const MessageId& id : frame.ids) out.bytes_field(kWantIds, id);
  return out.take();
}

Bytes encode_member(const EnvelopesFrame& frame) {
  if (frame.envelopes.empty() || frame.envelopes.size() > kMaxEnvelopesPerFrame) {
    throw std::invalid_argument("sync frame: envelopes frame empty or with too many");
  }
  protobuf::Writer out;
  for (const Bytes& envelope : frame.envelopes) {
    check_envelope(envelope);
    out.bytes_field(kEnvelopesEnvelope, envelope);
  }
  return out.take();
}

Bytes encode_member(const ReceiptsFrame& frame) {
  if (frame.entries.size() > kMaxReceiptEntries) {
    throw std::invalid_argument("sync frame: too many receipt entries");
  }
  protobuf::Writer out;
  for (const ReceiptEntry& entry : frame.entries) {
    if (!valid_kind(entry.kind)) throw std::invalid_argument("sync frame: receipt of no kind");
    protobuf::Writer body;
    body.bytes_field(entry_field::kId, entry.id);
    body.varint_field(entry_field::kKind, static_cast<std::uint32_t>(entry.kind));
    out.bytes_field(kReceiptsEntries, body.bytes());
  }
  return out.take();
}

Bytes encode_member(const DoneFrame& frame) {
  protobuf::Writer out;  // proto3: zero totals are omitted
  if (frame.items_sent != 0) out.varint_field(done_field::kItemsSent, frame.items_sent);
  if (frame.bytes_sent != 0) out.varint_field(done_field::kBytesSent, frame.bytes_sent);
  return out.take();
}

// Greedy chunks of at most `limit` items, in order.
template <class T>
std::vector<std::vector<T>> chunks(std::vector<T> items, std::size_t limit) {
  std::vector<std::vector<T>> out;
  for (std::size_t begin = 0; begin < items.size(); begin += limit) {
    std::size_t end = std::min(items.size(), begin + limit);
    out.emplace_back(std::make_move_iterator(items.begin() + begin),
                     std::make_move_iterator(items.begin() + end));
  }
  return out;
}

}  // namespace

Bytes encode(const SyncFrame& frame) {
  Bytes member = std::visit([](const auto& f) { return encode_member(f); }, frame);
  protobuf::Writer out;
  out.bytes_field(static_cast<std::uint32_t>(frame.index() + 1), member);
  return out.take();
}

Result<SyncFrame> decode_sync_frame(ByteView body) {
  if (body.size() > kMaxSyncFrameBytes) return fail(WireError::too_large);
  std::optional<Field> member;
  auto fields = read_fields(body, [&](const Field& f) -> Result<void> {
    if (f.number == 0 || f.number > kKinds || f.type != WireType::length_delimited) {
      return fail(WireError::malformed);
    }
    if (member) return fail(WireError::malformed);  // a oneof holds one kind, once
    member = f;
    return {};
  });
  if (!fields) return fail(fields.error());
  if (!member) return fail(WireError::malformed);
  switch (member->number) {
    case 1:
      return decode_reconcile(member->bytes);
    case 2:
      return decode_want(member->bytes);
    case 3:
      return decode_envelopes(member->bytes);
    case 4:
      return decode_receipts(member->bytes);
    default:
      return decode_done(member->bytes);
  }
}

std::vector<EnvelopesFrame> pack_envelopes(std::vector<Bytes> envelopes) {
  std::vector<EnvelopesFrame> frames;
  std::size_t member_size = 0;  // the open frame's Envelopes message
  for (Bytes& envelope : envelopes) {
    check_envelope(envelope);
    std::size_t entry = delimited_size(envelope.size());
    bool fits = !frames.empty() && frames.back().envelopes.size() < kMaxEnvelopesPerFrame &&
                delimited_size(member_size + entry) <= kMaxSyncFrameBytes;
    if (!fits) {
      frames.emplace_back();
      member_size = 0;
    }
    frames.back().envelopes.push_back(std::move(envelope));
    member_size += entry;
  }
  return frames;
}

std::vector<WantFrame> pack_wants(std::vector<MessageId> ids) {
  std::vector<WantFrame> frames;
  for (auto& chunk : chunks(std::move(ids), kMaxWantIds)) frames.push_back({std::move(chunk)});
  return frames;
}

std::vector<ReceiptsFrame> pack_receipts(std::vector<ReceiptEntry> entries) {
  std::vector<ReceiptsFrame> frames;
  for (auto& chunk : chunks(std::move(entries), kMaxReceiptEntries)) {
    frames.push_back({std::move(chunk)});
  }
  return frames;
}

}  // namespace meshchat::chat::wire

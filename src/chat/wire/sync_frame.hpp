// /meshchat/sync/1.0.0 frame codec (DESIGN.md §5 "Chat protocols"): history reconciliation of
// one conversation with Negentropy v1 (chat/sync/), then transfer of the missing envelopes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "chat/envelope.hpp"
#include "chat/wire/error.hpp"
#include "chat/wire/msg_frame.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::wire {

// Stream protocol. Every frame is an unsigned-varint length-prefixed protobuf body
// (core/length_prefixed.hpp); encode() and decode_sync_frame() handle one body.
//
//   message SyncFrame { oneof kind { Reconcile reconcile = 1; Want want = 2;
//                                    Envelopes envelopes = 3; Receipts receipts = 4;
//                                    Done done = 5; } }
//   message Reconcile { bytes conversation = 1; bytes negentropy = 2; }
//   message Want      { repeated bytes ids = 1; }
//   message Envelopes { repeated bytes envelope = 1; }
//   message Receipts  { repeated Entry entries = 1; }
//   message Entry     { bytes id = 1; uint32 kind = 2; }
//   message Done      { uint64 items_sent = 1; uint64 bytes_sent = 2; }
//
// Flow, on a stream opened by the initiator:
//   1. The initiator sends Reconcile frames, the first with NegentropyClient::initiate(), and
//      the responder answers each with a Reconcile carrying NegentropyServer::reconcile(). The
//      conversation is the same in every Reconcile of a stream; the frames below refer to it.
//   2. When the initiator's NegentropyClient::reconcile() returns no next message, the initiator
//      sends Want for the need_ids it collected and Envelopes for its have_ids (pack_wants,
//      pack_envelopes). The responder answers Want with Envelopes.
//   3. Each side sends its Receipts for the conversation (pack_receipts; none or an empty
//      Receipts frame when it has none), then Done with what it sent. The stream closes when
//      both sides have sent Done.
// Negentropy messages must fit a frame: configure both sides with frame_size_limit and
// max_message_bytes at most kMaxNegentropyMessageBytes.
//
// Decoding is strict as for the msg protocol: unknown fields, wrong wire types, a field that may
// appear once appearing twice, a oneof with zero or several kinds, an id other than 32 bytes, an
// empty required field or list are `malformed`.
inline constexpr std::string_view kSyncProtocol = "/meshchat/sync/1.0.0";
// 1 MiB bodies: room for about 2900 typical (355-byte) envelopes or a Negentropy message of
// thousands of ranges per frame, yet small enough to buffer one frame per stream.
inline constexpr std::size_t kMaxSyncFrameBytes = 1024 * 1024;
// The largest Negentropy message that fits a Reconcile frame: kMaxSyncFrameBytes less the frame
// tag and length, the conversation field and the negentropy field's tag and length (42 bytes).
inline constexpr std::size_t kMaxNegentropyMessageBytes = kMaxSyncFrameBytes - 64;
// 4096 ids are 136 KiB; a larger difference takes several Want frames.
inline constexpr std::size_t kMaxWantIds = 4096;
// 4096 entries are 152 KiB; more receipts take several frames.
inline constexpr std::size_t kMaxReceiptEntries = 4096;
// The smallest valid envelope (an empty text) takes 148 bytes and 3 more as a list entry, so a
// frame of kMaxSyncFrameBytes holds fewer than 7000: the cap never splits valid traffic, and it
// bounds the allocations that a frame of tiny bogus entries would cause.
inline constexpr std::size_t kMaxEnvelopesPerFrame = 8192;

// One Negentropy message (non-empty; checked by chat/sync, not here) for `conversation`.
struct ReconcileFrame {
  ConversationId conversation{};
  Bytes negentropy;
  bool operator==(const ReconcileFrame&) const = default;
};

// Ids of envelopes the sender lacks: 1..kMaxWantIds.
struct WantFrame {
  std::vector<MessageId> ids;
  bool operator==(const WantFrame&) const = default;
};

// Encoded envelopes (opaque here, each non-empty and at most kMaxEnvelopeBytes): 1 to
// kMaxEnvelopesPerFrame, total body at most kMaxSyncFrameBytes.
struct EnvelopesFrame {
  std::vector<Bytes> envelopes;
  bool operator==(const EnvelopesFrame&) const = default;
};

struct ReceiptEntry {
  MessageId id{};
  ReceiptKind kind = ReceiptKind::delivered;
  bool operator==(const ReceiptEntry&) const = default;
};

// The sender's receipts for messages of the conversation: 0..kMaxReceiptEntries.
struct ReceiptsFrame {
  std::vector<ReceiptEntry> entries;
  bool operator==(const ReceiptsFrame&) const = default;
};

// The sender is finished; the totals are for logs (envelopes and their bytes sent on this stream).
struct DoneFrame {
  std::uint64_t items_sent = 0;
  std::uint64_t bytes_sent = 0;
  bool operator==(const DoneFrame&) const = default;
};

using SyncFrame = std::variant<ReconcileFrame, WantFrame, EnvelopesFrame, ReceiptsFrame, DoneFrame>;

// The protobuf body. A frame that breaks its per-field rules (an empty negentropy message, a list
// that is empty where that is not allowed or above its count limit, an empty or too large
// envelope, a kind outside ReceiptKind) is a bug: std::invalid_argument. The body size is not
// checked: pack_* and kMaxNegentropyMessageBytes keep frames within kMaxSyncFrameBytes, and the
// peer refuses larger ones.
Bytes encode(const SyncFrame& frame);

// Errors: too_large (body above kMaxSyncFrameBytes, an envelope above kMaxEnvelopeBytes, a list
// above its limit), bad_value (receipt kind not 1 or 2), malformed (everything else).
Result<SyncFrame> decode_sync_frame(ByteView body);

// Splits envelopes, in order, into as few EnvelopesFrame as greedy filling gives, each encoding
// within kMaxSyncFrameBytes and kMaxEnvelopesPerFrame (an envelope is at most kMaxEnvelopeBytes,
// so one always fits). No envelopes give no frames. An empty or too large envelope is a bug:
// std::invalid_argument.
std::vector<EnvelopesFrame> pack_envelopes(std::vector<Bytes> envelopes);
// Chunks of at most kMaxWantIds ids, in order; none for no ids.
std::vector<WantFrame> pack_wants(std::vector<MessageId> ids);
// Chunks of at most kMaxReceiptEntries entries, in order; none for no entries.
std::vector<ReceiptsFrame> pack_receipts(std::vector<ReceiptEntry> entries);

}  // namespace meshchat::chat::wire

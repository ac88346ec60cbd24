// Chat message envelope (DESIGN.md §5 "Message model"): an immutable, signed message whose id is
// the SHA-256 of its encoding, so duplicates are harmless and peers sync by id.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "chat/error.hpp"
#include "chat/hlc.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat {

// Wire format (protobuf, every field present, in this order, varints minimal):
//   1 author       bytes   binary PeerId; must inline an Ed25519 key (identity multihash)
//   2 conversation bytes   32 bytes
//   3 wall_ms      varint  HLC wall time, at most kMaxWallMs
//   4 counter      varint  HLC counter, at most 2^32 - 1
//   5 parents      bytes   repeated, 32 bytes each, strictly ascending, at most kMaxParents
//   6 content_type varint  ContentType
//   7 body         bytes   by content type, see ContentType
//   8 signature    bytes   Ed25519 over kSigningDomain || fields 1-7 as encoded
// Unknown fields are refused, not skipped: the id hashes the bytes, so two encodings of one
// message would be two messages, and a field nobody signs for could not be skipped safely
// anyway. New kinds of content use the reserved content types; new fields need a new domain.
namespace envelope_field {
inline constexpr std::uint32_t kAuthor = 1;
inline constexpr std::uint32_t kConversation = 2;
inline constexpr std::uint32_t kWallMs = 3;
inline constexpr std::uint32_t kCounter = 4;
inline constexpr std::uint32_t kParents = 5;
inline constexpr std::uint32_t kContentType = 6;
inline constexpr std::uint32_t kBody = 7;
inline constexpr std::uint32_t kSignature = 8;
}  // namespace envelope_field

// Prefixed to the signed bytes so that an envelope signature can never be replayed as a
// signature over any other protocol's message made with the same identity key.
inline constexpr std::string_view kSigningDomain = "meshchat-envelope-v1:";

inline constexpr std::size_t kIdSize = 32;
using MessageId = std::array<std::uint8_t, kIdSize>;
using ConversationId = std::array<std::uint8_t, 32>;

// A chat message of 64 KiB is a long essay; anything bigger is a file and travels as one.
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
// The largest body: an edit's target id and its new text.
inline constexpr std::size_t kMaxBodyBytes = kIdSize + kMaxTextBytes;
// Parents name the heads a message was written after; a conversation rarely has more than a
// few concurrent heads, and a merge of more can cite the most recent ones.
inline constexpr std::size_t kMaxParents = 16;
// Bounds hostile input before parsing. The largest valid envelope is a maximal body plus
// kMaxParents parents and small fixed fields, about 65.2 KiB (static_assert in envelope.cpp).
inline constexpr std::size_t kMaxEnvelopeBytes = 66 * 1024;

// The protobuf values; never renumber.
enum class ContentType : std::uint32_t {
  text = 1,      // body: the text, UTF-8, at most kMaxTextBytes
  edit = 2,      // body: the target MessageId, then the replacement text (as for text)
  deletion = 3,  // body: exactly the target MessageId
};
// Types up to this value are accepted with an opaque body of at most kMaxBodyBytes, so that
// peers running older code still store, sync and forward content types added later.
inline constexpr std::uint32_t kMaxReservedContentType = 127;

class Envelope {
 public:
  // Signs a new envelope with `author_key`, which must be Ed25519 (unsupported_author
  // otherwise: other keys either do not fit in a PeerId or allow several valid signatures for
  // one message, which would give one message several ids). Parents are sorted and repeats
  // dropped. Errors: too_many_parents, bad_content_type, bad_body, too_large, bad_timestamp.
  static Result<Envelope> create(const crypto::PrivateKey& author_key,
                                 const ConversationId& conversation, HlcTimestamp timestamp,
                                 std::vector<MessageId> parents, ContentType type, ByteView body);

  // Parses, then verifies author and signature. Only canonical encodings are accepted: the
  // fields are re-encoded and must give back exactly `encoded` (non_canonical otherwise).
  // Errors: every chat::Error except clock_drift.
  static Result<Envelope> decode(ByteView encoded);

  // Bodies for create(): a text message, an edit of `target`, a deletion of `target`.
  static Bytes text_body(std::string_view text);
  static Bytes edit_body(const MessageId& target, std::string_view text);
  static Bytes deletion_body(const MessageId& target);

  const Bytes& encode() const { return encoded_; }
  const MessageId& id() const { return id_; }
  const crypto::PeerId& author() const { return author_; }
  const ConversationId& conversation() const { return conversation_; }
  HlcTimestamp timestamp() const { return timestamp_; }
  const std::vector<MessageId>& parents() const { return parents_; }
  // A known ContentType or a reserved value.
  ContentType content_type() const { return type_; }
  const Bytes& body() const { return body_; }
  const Bytes& signature() const { return signature_; }

  // The message an edit or deletion refers to; nullopt for other types.
  std::optional<MessageId> target() const;
  // The text of a text message or the replacement text of an edit; empty for other types.
  std::string_view text() const;

  // Equal encodings are equal envelopes: the encoding is canonical.
  bool operator==(const Envelope& other) const { return encoded_ == other.encoded_; }

 private:
  explicit Envelope(crypto::PeerId author) : author_(std::move(author)) {}

  crypto::PeerId author_;
  ConversationId conversation_{};
  HlcTimestamp timestamp_;
  std::vector<MessageId> parents_;
  ContentType type_ = ContentType::text;
  Bytes body_;
  Bytes signature_;
  Bytes encoded_;
  MessageId id_{};
};

// Display order within a conversation (DESIGN.md §5): by HLC timestamp, ties broken by id.
std::strong_ordering conversation_order(const Envelope& a, const Envelope& b);

}  // namespace meshchat::chat

#include "chat/envelope.hpp"

#include <algorithm>
#include <limits>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "crypto/hash.hpp"

namespace meshchat::chat {

namespace {

namespace field = envelope_field;
using protobuf::WireType;

// Bytes a length-delimited field of `size` bytes takes, with its one-byte tag.
constexpr std::size_t delimited(std::size_t size) {
  std::size_t length_bytes = 1;
  for (std::size_t v = size; v >= 0x80; v >>= 7) ++length_bytes;
  return 1 + length_bytes + size;
}
// Largest author: the identity multihash (2 bytes) of an Ed25519 key protobuf (36 bytes).
constexpr std::size_t kMaxAuthorBytes = 2 + 4 + crypto::kEd25519PublicKeySize;
constexpr std::size_t kMaxValidEnvelope =
    delimited(kMaxAuthorBytes) + delimited(sizeof(ConversationId)) + 1 + 8 /* wall_ms < 2^49 */ +
    1 + 5 /* counter */ + kMaxParents * delimited(kIdSize) + 1 + 1 /* content type */ +
    delimited(kMaxBodyBytes) + delimited(crypto::kEd25519SignatureSize);
static_assert(kMaxValidEnvelope <= kMaxEnvelopeBytes, "a valid envelope must fit the limit");

// The fields as read from the wire, before validation; views into the input.
struct Wire {
  ByteView author, conversation, body, signature;
  std::uint64_t wall_ms = 0, counter = 0, type = 0;
  std::vector<ByteView> parents;
};

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Text is
// shown and indexed on every peer, so it is checked once, where it enters.
bool valid_utf8(ByteView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra;
    std::uint32_t cp;
    if ((b & 0xe0) == 0xc0) {
      extra = 1, cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      extra = 2, cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      extra = 3, cp = b & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<void> check_text(ByteView text) {
  if (text.size() > kMaxTextBytes) return fail(Error::too_large);
  if (!valid_utf8(text)) return fail(Error::bad_body);
  return {};
}

Result<void> check_content(std::uint64_t type, ByteView body) {
  if (type == 0 || type > kMaxReservedContentType) return fail(Error::bad_content_type);
  switch (static_cast<ContentType>(type)) {
    case ContentType::text:
      return check_text(body);
    case ContentType::edit:
      if (body.size() < kIdSize) return fail(Error::bad_body);
      return check_text(body.subspan(kIdSize));
    case ContentType::deletion:
      if (body.size() != kIdSize) return fail(Error::bad_body);
      return {};
  }
  if (body.size() > kMaxBodyBytes) return fail(Error::too_large);
  return {};
}

Result<void> check_timestamp(std::uint64_t wall_ms, std::uint64_t counter) {
  if (wall_ms > kMaxWallMs || counter > std::numeric_limits<std::uint32_t>::max()) {
    return fail(Error::bad_timestamp);
  }
  return {};
}

// The author's key, taken from the PeerId itself: an envelope then verifies on its own, with no
// key lookup and no separate key field that could disagree with the author.
Result<crypto::PublicKey> inlined_key(const crypto::PeerId& author) {
  auto key = author.public_key();
  if (!key || key->type() != crypto::KeyType::ed25519) return fail(Error::unsupported_author);
  return std::move(*key);
}

// Fields 1-7: the bytes that are signed (after the domain) and that start the encoding.
Bytes encode_unsigned(const Wire& w) {
  protobuf::Writer out;
  out.bytes_field(field::kAuthor, w.author);
  out.bytes_field(field::kConversation, w.conversation);
  out.varint_field(field::kWallMs, w.wall_ms);
  out.varint_field(field::kCounter, w.counter);
  for (ByteView parent : w.parents) out.bytes_field(field::kParents, parent);
  out.varint_field(field::kContentType, w.type);
  out.bytes_field(field::kBody, w.body);
  return out.take();
}

Bytes signing_input(ByteView unsigned_fields) {
  Bytes input = to_bytes(kSigningDomain);
  append(input, unsigned_fields);
  return input;
}

Bytes with_signature(Bytes unsigned_fields, ByteView signature) {
  protobuf::Writer sig;
  sig.bytes_field(field::kSignature, signature);
  append(unsigned_fields, sig.bytes());
  return unsigned_fields;
}

Result<Wire> read_wire(ByteView encoded) {
  Wire w;
  constexpr std::uint32_t kFieldCount = field::kSignature;
  bool seen[kFieldCount + 1] = {};
  protobuf::Reader reader(encoded);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(Error::malformed);
    if (!*next) break;
    const protobuf::Field& f = **next;
    if (f.number == 0 || f.number > kFieldCount) return fail(Error::malformed);
    bool is_varint = f.number == field::kWallMs || f.number == field::kCounter ||
                     f.number == field::kContentType;
    WireType expected = is_varint ? WireType::varint : WireType::length_delimited;
    if (f.type != expected) return fail(Error::malformed);
    seen[f.number] = true;
    switch (f.number) {
      case field::kAuthor:
        w.author = f.bytes;
        break;
      case field::kConversation:
        w.conversation = f.bytes;
        break;
      case field::kWallMs:
        w.wall_ms = f.varint;
        break;
      case field::kCounter:
        w.counter = f.varint;
        break;
      case field::kParents:
        if (w.parents.size() == kMaxParents) return fail(Error::too_many_parents);
        if (f.bytes.size() != kIdSize) return fail(Error::malformed);
        w.parents.push_back(f.bytes);
        break;
      case field::kContentType:
        w.type = f.varint;
        break;
      case field::kBody:
        w.body = f.bytes;
        break;
      case field::kSignature:
        w.signature = f.bytes;
        break;
    }
  }
  for (std::uint32_t n = 1; n <= kFieldCount; ++n) {
    if (!seen[n] && n != field::kParents) return fail(Error::malformed);
  }
  if (w.conversation.size() != sizeof(ConversationId)) return fail(Error::malformed);
  return w;
}

template <std::size_t N>
std::array<std::uint8_t, N> to_array(ByteView in) {
  std::array<std::uint8_t, N> out;
  std::copy_n(in.begin(), N, out.begin());
  return out;
}

}  // namespace

Result<Envelope> Envelope::create(const crypto::PrivateKey& author_key,
                                  const ConversationId& conversation, HlcTimestamp timestamp,
                                  std::vector<MessageId> parents, ContentType type, ByteView body) {
  if (author_key.type() != crypto::KeyType::ed25519) return fail(Error::unsupported_author);
  if (auto ok = check_timestamp(timestamp.wall_ms, timestamp.counter); !ok) return fail(ok.error());
  std::sort(parents.begin(), parents.end());
  parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
  if (parents.size() > kMaxParents) return fail(Error::too_many_parents);
  auto type_value = static_cast<std::uint32_t>(type);
  if (auto ok = check_content(type_value, body); !ok) return fail(ok.error());

  Envelope e(crypto::PeerId::from_public_key(author_key.public_key()));
  e.conversation_ = conversation;
  e.timestamp_ = timestamp;
  e.parents_ = std::move(parents);
  e.type_ = type;
  e.body_.assign(body.begin(), body.end());

  Wire w{e.author_.bytes(), conversation,      e.body_,    {},
         timestamp.wall_ms, timestamp.counter, type_value, {}};
  for (const MessageId& parent : e.parents_) w.parents.emplace_back(parent);
  Bytes unsigned_fields = encode_unsigned(w);
  e.signature_ = author_key.sign(signing_input(unsigned_fields));
  e.encoded_ = with_signature(std::move(unsigned_fields), e.signature_);
  e.id_ = crypto::sha256(e.encoded_);
  return e;
}

Result<Envelope> Envelope::decode(ByteView encoded) {
  if (encoded.size() > kMaxEnvelopeBytes) return fail(Error::too_large);
  auto w = read_wire(encoded);
  if (!w) return fail(w.error());

  auto author = crypto::PeerId::from_bytes(w->author);
  if (!author) return fail(Error::malformed);
  auto key = inlined_key(*author);
  if (!key) return fail(key.error());
  if (auto ok = check_timestamp(w->wall_ms, w->counter); !ok) return fail(ok.error());
  for (std::size_t i = 1; i < w->parents.size(); ++i) {
    if (!std::lexicographical_compare(w->parents[i - 1].begin(), w->parents[i - 1].end(),
                                      w->parents[i].begin(), w->parents[i].end())) {
      return fail(Error::bad_parents);
    }
  }
  if (auto ok = check_content(w->type, w->body); !ok) return fail(ok.error());

  // The id hashes these exact bytes, so any other spelling of the same fields (non-minimal
  // varints, repeated or reordered fields) would be a second id for one message.
  Bytes unsigned_fields = encode_unsigned(*w);
  if (with_signature(unsigned_fields, w->signature) != Bytes(encoded.begin(), encoded.end())) {
    return fail(Error::non_canonical);
  }
  if (!key->verify(signing_input(unsigned_fields), w->signature)) {
    return fail(Error::bad_signature);
  }

  Envelope e(std::move(*author));
  e.conversation_ = to_array<sizeof(ConversationId)>(w->conversation);
  e.timestamp_ = {w->wall_ms, static_cast<std::uint32_t>(w->counter)};
  for (ByteView parent : w->parents) e.parents_.push_back(to_array<kIdSize>(parent));
  e.type_ = static_cast<ContentType>(w->type);
  e.body_.assign(w->body.begin(), w->body.end());
  e.signature_.assign(w->signature.begin(), w->signature.end());
  e.encoded_.assign(encoded.begin(), encoded.end());
  e.id_ = crypto::sha256(encoded);
  return e;
}

Bytes Envelope::text_body(std::string_view text) {
  return to_bytes(text);
}

Bytes Envelope::edit_body(const MessageId& target, std::string_view text) {
  Bytes body(target.begin(), target.end());
  append(body, as_bytes(text));
  return body;
}

Bytes Envelope::deletion_body(const MessageId& target) {
  return Bytes(target.begin(), target.end());
}

std::optional<MessageId> Envelope::target() const {
  if (type_ != ContentType::edit && type_ != ContentType::deletion) return std::nullopt;
  return to_array<kIdSize>(body_);
}

std::string_view Envelope::text() const {
  switch (type_) {
    case ContentType::text:
      return as_string(body_);
    case ContentType::edit:
      return as_string(ByteView(body_).subspan(kIdSize));
    case ContentType::deletion:
      break;
  }
  return {};
}

std::strong_ordering conversation_order(const Envelope& a, const Envelope& b) {
  if (auto c = a.timestamp() <=> b.timestamp(); c != 0) return c;
  return a.id() <=> b.id();
}

}  // namespace meshchat::chat

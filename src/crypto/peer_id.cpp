#include "crypto/peer_id.hpp"

#include <algorithm>

#include "core/base58.hpp"
#include "core/cid.hpp"
#include "core/multihash.hpp"
#include "core/protobuf.hpp"
#include "crypto/hash.hpp"

namespace meshchat::crypto {

namespace {

// Longer text cannot be a PeerId: the longest form is a base16 CIDv1 of a 42-byte inlined key,
// 1 + 2 * (1 + 1 + 2 + 42) = 93 characters. Refusing early bounds decoding work.
constexpr std::size_t kMaxPeerIdTextLength = 128;

// The inlined key of an identity PeerId must be a deterministically encoded PublicKey protobuf
// (peer-ids.md "Keys"): Type = 1 (a KeyType) then Data = 2, nothing else, minimal varints, and
// a valid key of that type.
bool is_key_protobuf(ByteView encoded) {
  protobuf::Reader reader(encoded);
  auto type = reader.next();
  if (!type || !*type || (*type)->number != 1 || (*type)->type != protobuf::WireType::varint ||
      (*type)->varint > static_cast<std::uint64_t>(KeyType::ecdsa)) {
    return false;
  }
  auto data = reader.next();
  if (!data || !*data || (*data)->number != 2 ||
      (*data)->type != protobuf::WireType::length_delimited) {
    return false;
  }
  auto end = reader.next();
  if (!end || *end) return false;
  // Deterministic encoding (minimal varints), so that the key re-encodes to this very PeerId.
  protobuf::Writer canonical;
  canonical.varint_field(1, (*type)->varint);
  canonical.bytes_field(2, (*data)->bytes);
  if (!std::ranges::equal(canonical.bytes(), encoded)) return false;
  // The key itself must be valid too; every KeyType is supported.
  return PublicKey::from_protobuf(encoded).has_value();
}

}  // namespace

PeerId PeerId::from_public_key(const PublicKey& key) {
  Bytes encoded = key.to_protobuf();
  if (encoded.size() <= kMaxInlineKeyLength) {
    return PeerId(Multihash::identity(encoded)->bytes());
  }
  return PeerId(Multihash::sha2_256(sha256(encoded)).bytes());
}

Result<PeerId> PeerId::from_bytes(ByteView multihash) {
  auto hash = Multihash::from_bytes(multihash);
  if (!hash) return fail(Error::bad_peer_id);
  switch (hash->code()) {
    case multihash::kIdentity:
      // Longer keys must be sha2-256 hashed (peer-ids.md "Peer Ids").
      if (hash->digest().size() > kMaxInlineKeyLength) return fail(Error::bad_peer_id);
      if (!is_key_protobuf(hash->digest())) return fail(Error::bad_peer_id);
      break;
    case multihash::kSha2_256:  // Multihash checked the 32-byte length
      break;
    default:
      return fail(Error::bad_peer_id);
  }
  return PeerId(Bytes(multihash.begin(), multihash.end()));
}

Result<PeerId> PeerId::parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxPeerIdTextLength) return fail(Error::bad_peer_id);
  // peer-ids.md "Decoding": `1…` or `Qm…` is a bare base58btc multihash; otherwise a multibase
  // CIDv1 whose codec must be libp2p-key. Of base58 multihashes, only identity (a leading zero
  // byte: '1') and sha2-256 (0x12 0x20: "Qm") are PeerIds, so 'Q' alone decides.
  if (text[0] == '1' || text[0] == 'Q') {
    auto bytes = base58::decode(text);
    if (!bytes) return fail(Error::bad_peer_id);
    return from_bytes(*bytes);
  }
  auto cid = Cid::parse(text);
  if (!cid || cid->codec() != cid::kLibp2pKey) return fail(Error::bad_peer_id);
  return from_bytes(cid->hash().bytes());
}

std::string PeerId::to_base58() const {
  return base58::encode(multihash_);
}

std::string PeerId::to_cid() const {
  // multihash_ was validated when this PeerId was made.
  return Cid(cid::kLibp2pKey, *Multihash::from_bytes(multihash_)).to_string();
}

std::optional<PublicKey> PeerId::public_key() const {
  auto hash = Multihash::from_bytes(multihash_);
  if (!hash || hash->code() != multihash::kIdentity) return std::nullopt;
  auto key = PublicKey::from_protobuf(hash->digest());
  if (!key) return std::nullopt;
  return std::move(*key);
}

Result<void> PeerId::matches(const PublicKey& key) const {
  if (from_public_key(key) != *this) return fail(Error::peer_id_mismatch);
  return {};
}

}  // namespace meshchat::crypto

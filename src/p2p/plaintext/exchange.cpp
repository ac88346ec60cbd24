#include "p2p/plaintext/exchange.hpp"

#include <optional>

#include "core/protobuf.hpp"

namespace meshchat::p2p::plaintext {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::too_large:
      return "plaintext exchange too large";
    case Error::missing_id:
      return "plaintext exchange without a peer id";
    case Error::missing_key:
      return "plaintext exchange without a public key";
    case Error::key_mismatch:
      return "plaintext exchange peer id does not match its public key";
    case Error::truncated:
      return "plaintext exchange truncated";
  }
  return "unknown plaintext error";
}

constexpr std::uint32_t kIdField = 1;
constexpr std::uint32_t kPubkeyField = 2;

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "plaintext", describe)

Bytes encode_exchange(const crypto::PublicKey& key) {
  protobuf::Writer w;
  w.bytes_field(kIdField, crypto::PeerId::from_public_key(key).bytes());
  w.bytes_field(kPubkeyField, key.to_protobuf());
  return w.take();
}

Result<Exchange> decode_exchange(ByteView body) {
  std::optional<ByteView> id;
  std::optional<ByteView> pubkey;
  protobuf::Reader reader(body);
  for (;;) {
    auto field = reader.next();
    if (!field) return fail(field.error());
    if (!*field) break;
    if ((*field)->number != kIdField && (*field)->number != kPubkeyField) continue;
    if ((*field)->type != protobuf::WireType::length_delimited) {
      return fail(protobuf::Error::wrong_wire_type);
    }
    ((*field)->number == kIdField ? id : pubkey) = (*field)->bytes;  // last one wins
  }
  if (!id) return fail(Error::missing_id);
  if (!pubkey) return fail(Error::missing_key);
  auto peer = crypto::PeerId::from_bytes(*id);
  if (!peer) return fail(peer.error());
  auto key = crypto::PublicKey::from_protobuf(*pubkey);
  if (!key) return fail(key.error());
  if (!peer->matches(*key)) return fail(Error::key_mismatch);
  return Exchange{std::move(*peer), std::move(*key)};
}

}  // namespace meshchat::p2p::plaintext

#include "p2p/kad/record_validator.hpp"

#include <algorithm>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::kad {

namespace {

bool is_public_key_record(ByteView key) {
  return key.size() >= kPublicKeyNamespace.size() &&
         as_string(key.first(kPublicKeyNamespace.size())) == kPublicKeyNamespace;
}

}  // namespace

Result<void> validate_record(ByteView key, ByteView value) {
  if (!is_public_key_record(key)) return fail(Error::unsupported_namespace);
  auto public_key = crypto::PublicKey::from_protobuf(value);
  if (!public_key) return fail(Error::invalid_record);
  // The PeerId of the parsed key, as go-libp2p's PublicKeyValidator derives it. For every key
  // but an uncompressed Secp256k1 one (held compressed) this hashes `value` itself.
  crypto::PeerId owner = crypto::PeerId::from_public_key(*public_key);
  if (!std::ranges::equal(owner.bytes(), key.subspan(kPublicKeyNamespace.size()))) {
    return fail(Error::key_mismatch);
  }
  return {};
}

Result<std::size_t> select_record(ByteView key, const std::vector<Bytes>& values) {
  if (!is_public_key_record(key)) return fail(Error::unsupported_namespace);
  if (values.empty()) return fail(Error::invalid_record);
  return 0;
}

}  // namespace meshchat::p2p::kad

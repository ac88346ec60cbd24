// Reads arbitrary bytes as a binary PeerId, as PeerId text, and as PublicKey and PrivateKey
// protobufs. Aborts on an undocumented error, or if anything accepted does not decode, encode,
// decode to the same value in every form (bytes, base58, CID; key protobufs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

using meshchat::ByteView;
namespace crypto = meshchat::crypto;
using crypto::PeerId;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_peer_id(const PeerId& id) {
  auto from_bytes = PeerId::from_bytes(id.bytes());
  check(from_bytes && *from_bytes == id);
  auto from_base58 = PeerId::parse(id.to_base58());
  check(from_base58 && *from_base58 == id);
  auto from_cid = PeerId::parse(id.to_cid());
  check(from_cid && *from_cid == id);
  if (auto key = id.public_key()) {
    // An inlined key is kept byte for byte, so it hashes back to this very id.
    check(PeerId::from_public_key(*key) == id);
    check(id.matches(*key).has_value());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);

  if (auto id = PeerId::from_bytes(in)) {
    check(id->bytes().size() == size);
    check_peer_id(*id);
  } else {
    check(id.error() == crypto::Error::bad_peer_id);
  }

  if (auto id = PeerId::parse(meshchat::as_string(in))) {
    check_peer_id(*id);
  } else {
    check(id.error() == crypto::Error::bad_peer_id);
  }

  if (auto key = crypto::PublicKey::from_protobuf(in)) {
    auto again = crypto::PublicKey::from_protobuf(key->to_protobuf());
    check(again && *again == *key);
    auto id = PeerId::from_public_key(*key);
    check(id.matches(*key).has_value());
    check_peer_id(id);
  } else {
    check(key.error().category() == crypto::error_category());
  }

  if (auto key = crypto::PrivateKey::from_protobuf(in)) {
    auto again = crypto::PrivateKey::from_protobuf(key->to_protobuf());
    check(again && again->public_key() == key->public_key());
    check(again->to_protobuf() == key->to_protobuf());
    auto signature = key->sign(in);
    check(key->public_key().verify(in, signature).has_value());
  } else {
    check(key.error().category() == crypto::error_category());
  }
  return 0;
}

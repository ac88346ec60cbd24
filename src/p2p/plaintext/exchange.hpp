// `/plaintext/2.0.0` (libp2p/specs plaintext/README.md): the Exchange message both peers send
// once the protocol is negotiated, carrying their PeerId and public key. No encryption at all.
#pragma once

#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::plaintext {

inline constexpr std::string_view kProtocolId = "/plaintext/2.0.0";
// An Exchange holds a PeerId (a multihash of at most a sha2-256 digest or an inlined key) and
// a PublicKey protobuf (at most crypto::kMaxKeyProtobufBytes); 256 bytes cover the id, tags and
// lengths. Larger is not a valid Exchange, so it is refused before buffering.
inline constexpr std::size_t kMaxExchangeBytes = crypto::kMaxKeyProtobufBytes + 256;

enum class Error {
  too_large = 1,  // the length prefix exceeds kMaxExchangeBytes
  missing_id,     // Exchange without an id
  missing_key,    // Exchange without a pubkey
  key_mismatch,   // the id is not the PeerId of the pubkey
  truncated,      // the channel ended before the whole Exchange arrived
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// The decoded message; `id` and `key` are consistent once decode_exchange() returned it.
struct Exchange {
  crypto::PeerId id;
  crypto::PublicKey key;
};

// The Exchange body for `key` (id = its PeerId), without the length prefix.
Bytes encode_exchange(const crypto::PublicKey& key);
// Decodes and checks an Exchange body. Unknown fields are skipped.
// Errors: missing_id, missing_key, key_mismatch; protobuf::Error truncated, bad_varint,
// bad_wire_type, bad_field_number, wrong_wire_type; crypto::Error bad_peer_id,
// unsupported_key_type, bad_key, bad_key_protobuf.
Result<Exchange> decode_exchange(ByteView body);

}  // namespace meshchat::p2p::plaintext

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::plaintext::Error)

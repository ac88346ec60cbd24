// Kademlia DHT (/ipfs/kad/1.0.0) record validation: which values a node stores and accepts.
// Spec: libp2p/specs kad-dht/README.md "Entry validation" (Validator); only the "/pk/"
// namespace (public keys, peer-ids/peer-ids.md) is supported.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/kad/error.hpp"

namespace meshchat::p2p::kad {

// Key = kPublicKeyNamespace + binary PeerId multihash; value = that peer's PublicKey protobuf.
inline constexpr std::string_view kPublicKeyNamespace = "/pk/";

// Validates a record for storage or acceptance from a GET_VALUE reply. For "/pk/" the value must
// be a valid PublicKey protobuf (as crypto::PublicKey::from_protobuf accepts it, RSA included)
// whose PeerId equals the multihash in the key. Errors: unsupported_namespace (any other key,
// "/ipns/" included), invalid_record (malformed value), key_mismatch (a key of another peer).
Result<void> validate_record(ByteView key, ByteView value);

// Index of the best of several values for `key`, each of which passed validate_record. For "/pk/"
// every valid value is the same key, so the first is as good as any: 0. Errors:
// unsupported_namespace, invalid_record (no values).
Result<std::size_t> select_record(ByteView key, const std::vector<Bytes>& values);

}  // namespace meshchat::p2p::kad
